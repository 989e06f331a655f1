import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatFiles } from './stat-files';

describe('StatFiles', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'stat-files-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an opened file again from its start, its current content each time', async () => {
    const file = join(dir, 'memory.failcnt');
    writeFileSync(file, '7\n');
    const files = new StatFiles();
    files.open([file]);
    expect(await files.readNumber(file)).toBe(7);
    writeFileSync(file, '12\n');
    expect(await files.readNumber(file)).toBe(12);
    rmSync(file);
    expect(await files.read(file)).toBe('12\n');
    files.close();
    expect(await files.read(file)).toBeUndefined();
  });

  it('reads by path what it could not open, a missing file as undefined', async () => {
    const files = new StatFiles();
    const missing = join(dir, 'cpu.stat');
    files.open([missing]);
    expect(await files.read(missing)).toBeUndefined();
    writeFileSync(missing, 'usage_usec 5\n');
    expect(await files.read(missing)).toBe('usage_usec 5\n');
    expect(await files.readNumber(join(dir, 'nothing'))).toBeUndefined();
  });
});
