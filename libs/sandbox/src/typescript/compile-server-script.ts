/**
 * The compile server's program, run as `node -e` with esbuild's path as its argument. It is
 * a process of its own (esbuild's service is its child) so that a hostile source which makes
 * esbuild's answer too big for a string, or esbuild itself run out of memory or time, ends
 * only this process group, never the gateway.
 */
export const COMPILE_SERVER_SCRIPT = String.raw`(() => {
  const esbuild = require(process.argv[1]);
  const die = () => process.exit(70);
  process.on('uncaughtException', (err) => {
    const what = String((err && (err.code || err.message)) || err).slice(0, 200);
    setTimeout(die, 1000).unref();
    try {
      process.send({ fatal: what }, die);
    } catch {
      die();
    }
  });
  process.on('disconnect', () => process.exit(0));
  const once = async (source, file, format) => {
    try {
      const out = await esbuild.transform(source, { loader: 'ts', format, target: 'node20', sourcefile: file, logLevel: 'silent' });
      return { ok: true, code: out.code, esm: format === 'esm' };
    } catch (err) {
      if (!err || !Array.isArray(err.errors)) throw err;
      const lines = await esbuild.formatMessages(err.errors, { kind: 'error', color: false });
      return { ok: false, message: lines.join('') };
    }
  };
  const compile = async (m) => {
    let r = await once(m.source, m.file, m.format === 'esm' ? 'esm' : 'cjs');
    if (m.format === 'auto' && !r.ok && /top-level await/i.test(r.message)) {
      const esm = await once(m.source, m.file, 'esm');
      if (esm.ok) r = esm;
    }
    if (r.ok && Buffer.byteLength(r.code) > m.maxBytes) return { ok: false, tooLarge: Buffer.byteLength(r.code) };
    return r;
  };
  process.on('message', (m) => {
    compile(m).then(
      (r) => process.send({ id: m.id, ...r }),
      (err) => process.send({ id: m.id, ok: false, broken: String((err && err.message) || err).slice(0, 500) }),
    );
  });
  esbuild.transform('', { loader: 'ts' }).then(() => process.send({ ready: true }), die);
})();
`;
