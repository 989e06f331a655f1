import type { Container } from 'dockerode';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface ContainerExit {
  statusCode: number;
}

/**
 * Registers a `next-exit` wait and resolves once the daemon has registered it (it flushes
 * the response headers at that point), so a container that exits right after start can
 * never be missed. The returned `exited` settles when the container stops.
 */
export function registerExitWait(container: Container): Promise<{ exited: Promise<ContainerExit>; socket: Socket }> {
  return new Promise((registered, failed) => {
    container.modem.dial(
      {
        path: `/containers/${container.id}/wait?`,
        method: 'POST',
        isStream: true,
        statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
        options: { condition: 'next-exit' },
      },
      (err: Error | null, res: IncomingMessage) => {
        if (err) return failed(err);
        registered({ exited: readExit(res), socket: res.socket });
      },
    );
  });
}

function readExit(res: IncomingMessage): Promise<ContainerExit> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          StatusCode?: number;
          Error?: { Message?: string } | null;
        };
        if (body.Error?.Message) return reject(new Error(`docker wait: ${body.Error.Message}`));
        resolve({ statusCode: body.StatusCode ?? -1 });
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}
