import { readdirSync, readFileSync } from 'node:fs';
import { TypeScriptCompiler } from './typescript-compiler';

const MIB = 1024 * 1024;
/** A fresh budget per run: compiles use it up. */
const budget = (timeoutMs = 3000, maxBytes = 64 * MIB) => ({ remainingMs: timeoutMs, timeLimitMs: timeoutMs, maxBytes });

/** Each member doubles the previous string; esbuild folds them into one literal of 2^(n) bytes. */
function doublingEnum(members: number): string {
  let s = 'enum E { A0 = "ab"';
  for (let i = 1; i < members; i++) s += `, A${i} = A${i - 1} + A${i - 1}`;
  return `${s} }\nconsole.log(E.A${members - 1});`;
}

/** 32 KB of nested braces: esbuild's output grows with depth × length, past what a string holds. */
const NESTED_BRACES = '{'.repeat(16384) + '}'.repeat(16384);

/** Processes of this process's own compile servers' groups (a server leads its group), by group. */
function compileGroups(): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  const stat = (pid: string) => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  const ours = new Set<number>();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const [, ppid, pgrp] = stat(pid).map(Number);
      if (ppid === process.pid && pgrp === Number(pid)) ours.add(pgrp);
    } catch {
      // exited meanwhile
    }
  }
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const pgrp = Number(stat(pid)[2]);
      if (!ours.has(pgrp)) continue;
      groups.set(pgrp, [...(groups.get(pgrp) ?? []), readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]]);
    } catch {
      // exited meanwhile
    }
  }
  return groups;
}

describe('TypeScriptCompiler', () => {
  const compiler = new TypeScriptCompiler({ servers: 2 });
  afterAll(() => compiler.close());

  it('compiles to CommonJS, to an ES module for top-level await, and reports syntax errors with their place', async () => {
    const cjs = await compiler.compile('export const n: number = 1;', 'main.ts', 'auto', budget());
    expect(cjs).toMatchObject({ ok: true, esm: false });
    expect(cjs.ok && cjs.code).toContain('module.exports');
    const esm = await compiler.compile('const v: number = await Promise.resolve(1);', 'main.ts', 'auto', budget());
    expect(esm).toMatchObject({ ok: true, esm: true });
    const forced = await compiler.compile('export const x: number = 1;', 'lib.mts', 'esm', budget());
    expect(forced.ok && forced.code).toMatch(/^export/m);
    const bad = await compiler.compile('let x: number = ;', 'main.ts', 'auto', budget());
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/main\.ts:1:16/);
  });

  it('ends a server that stayed idle, and starts one again for the next compile', async () => {
    const before = new Set(compileGroups().keys());
    const reaping = new TypeScriptCompiler({ servers: 1, idleMs: 300 });
    try {
      expect(await reaping.compile('const a: number = 1;', 'main.ts', 'auto', budget())).toMatchObject({ ok: true });
      const started = [...compileGroups().keys()].filter((g) => !before.has(g));
      expect(started).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1500));
      expect(compileGroups().has(started[0])).toBe(false);
      expect(await reaping.compile('const b: number = 2;', 'main.ts', 'auto', budget())).toMatchObject({ ok: true });
    } finally {
      reaping.close();
    }
  });

  it('stops a compile that runs past its time, and compiles the next source normally', async () => {
    const started = Date.now();
    const slow = await compiler.compile(NESTED_BRACES + NESTED_BRACES, 'main.ts', 'auto', budget(300));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(slow).toEqual({ ok: false, message: expect.stringMatching(/took longer than 300 ms/) });
    const next = await compiler.compile('console.log(1 as number)', 'main.ts', 'auto', budget());
    expect(next).toMatchObject({ ok: true });
  });

  it('refuses output larger than the work directory', async () => {
    const r = await compiler.compile(doublingEnum(20), 'main.ts', 'auto', budget(3000, MIB));
    expect(r).toEqual({ ok: false, message: expect.stringMatching(/compiled to \d+ bytes of JavaScript, more than the 1048576 bytes left/) });
  });

  it('a server that dies on a source (its heap exhausted) fails that compile only', async () => {
    const small = new TypeScriptCompiler({ servers: 1, heapMb: 24 });
    try {
      const r = await small.compile(doublingEnum(23), 'main.ts', 'auto', budget());
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/ran out of memory or crashed/) });
      expect(await small.compile('let a: string = "x"', 'main.ts', 'auto', budget())).toMatchObject({ ok: true });
    } finally {
      small.close();
    }
  });

  it('an innocent compile is not held up or failed by a hostile one running beside it', async () => {
    const hostile = compiler.compile(doublingEnum(27), 'main.ts', 'auto', budget(1500));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const innocent = await compiler.compile('const a: number[] = [1, 2];', 'main.ts', 'auto', budget());
    expect(innocent).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hostile).toEqual({ ok: false, message: expect.stringMatching(/took longer than 1500 ms/) });
  });

  it('a compile after close() gets a new server and is not blamed for the killed one', async () => {
    const own = new TypeScriptCompiler({ servers: 1 });
    await own.warmUp();
    own.close();
    expect(await own.compile('let b: number = 2', 'main.ts', 'auto', budget())).toMatchObject({ ok: true });
    own.close();
  });

  it('when no server can start, every compile waiting for one is refused as unavailable', async () => {
    const broken = new TypeScriptCompiler({ servers: 2, prlimitPath: '/nonexistent/prlimit' });
    const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => broken.compile('1', 'main.ts', 'auto', budget())));
    for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'unavailable' } });
  });

  it('a server and its esbuild service share a process group, and closing ends both', async () => {
    const own = new TypeScriptCompiler({ servers: 1 });
    const before = new Set(compileGroups().keys());
    await own.compile('let q = 1', 'main.ts', 'auto', budget());
    const added = [...compileGroups()].filter(([g]) => !before.has(g));
    expect(added).toHaveLength(1);
    const [group, members] = added[0];
    expect(members.map((m) => m.split('/').pop())).toEqual(expect.arrayContaining(['node', 'esbuild']));
    own.close();
    for (let i = 0; i < 100 && compileGroups().has(group); i++) await new Promise((r) => setTimeout(r, 20));
    expect(compileGroups().has(group)).toBe(false);
  });
});
