export const __t = (label: string) => { if (process.env.SANDBOX_TRACE) process.stderr.write(`TRACE ${(Number(process.hrtime.bigint()) / 1e6).toFixed(3)} ${process.pid} ${label}\n`); };
