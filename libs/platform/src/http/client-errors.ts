import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayErrorCode } from '../errors/gateway.exception';

const ANSWERS: Record<string, [number, string, GatewayErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', GatewayErrorCode.HeadersTooLarge, 'The request line and headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large', GatewayErrorCode.PayloadTooLarge, 'The chunk extensions are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', GatewayErrorCode.RequestTimeout, 'The request did not arrive in time'],
};
const MALFORMED: [number, string, GatewayErrorCode, string] = [400, 'Bad Request', GatewayErrorCode.BadRequest, 'The request is not valid HTTP'];

/** What Node's HTTP parser refuses, before Express sees it, gets the same JSON error body as the rest. */
export function answerClientErrorsWithJson(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: answer only when no response in flight has started on this socket, then close it.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
      const [status, reason, error, message] = ANSWERS[err.code ?? ''] ?? MALFORMED;
      const body = JSON.stringify({ error, message });
      socket.write(
        `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  });
}
