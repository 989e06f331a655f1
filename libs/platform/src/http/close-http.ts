import type { Server } from 'node:http';

const IDLE_SWEEP_MS = 20;

/**
 * Stops taking connections and lets the requests in progress finish, for at most graceMs, before
 * anything else shuts down. Nest destroys the modules before it closes the server, so a request
 * that arrived meanwhile found, say, the code runner already closed.
 */
export async function closeHttp(server: Server, graceMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection becomes idle once its response is sent; it must not hold the close.
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(sweep);
  clearTimeout(deadline);
}
