export * from './app.exception';
export * from './gateway.exception';
