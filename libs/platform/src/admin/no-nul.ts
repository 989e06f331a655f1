/** Postgres text cannot hold U+0000; such input is refused before it reaches a query. */
export const NO_NUL = /^[^\u0000]*$/;
export const NO_NUL_MESSAGE = '$property must not contain NUL characters';
