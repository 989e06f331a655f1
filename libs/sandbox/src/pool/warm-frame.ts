import { PreparedRun } from '../backends/sandbox-backend';

/** The first byte a launcher writes on stderr: interpreter loaded, blocked reading the frame. */
export const READY_BYTE = 0x06;
/** Written on stderr after the header was read and the files written, just before user code. */
export const STARTED_BYTE = 0x02;
/** Written on the done fd, followed by the exit status byte, once the program has finished. */
export const DONE_BYTE = 0xe7;

function item(bytes: Buffer): Buffer[] {
  const size = Buffer.alloc(4);
  size.writeUInt32BE(bytes.length);
  return [size, bytes];
}

/**
 * u32 header length, then the header (length-prefixed items: main file, argc, args, then name
 * and content of each file), then the user's stdin. The launcher reads exactly the header, so
 * the rest of its fd 0 is the program's own stdin, followed by EOF once the host closes it.
 */
export function encodeWarmFrame(run: PreparedRun): Buffer {
  if (!run.entry) throw new Error('a warm delivery needs the run entry (main file and args)');
  const strings = [run.entry.main, String(run.entry.args.length), ...run.entry.args];
  const parts: Buffer[] = strings.flatMap((s) => item(Buffer.from(s, 'utf8')));
  for (const f of run.files) parts.push(...item(Buffer.from(f.name, 'utf8')), ...item(Buffer.from(f.content, 'utf8')));
  const header = Buffer.concat(parts);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, Buffer.from(run.stdin ?? '', 'utf8')]);
}
