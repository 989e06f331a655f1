/** The Executor the coderunner calls: in-process today, a broker client when runners scale out. */
export const EXECUTOR = Symbol('EXECUTOR');
