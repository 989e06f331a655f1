// Jest on Node 20 cannot require() ES modules, and NestJS 12 ships only ESM:
// convert those packages to CommonJS on the fly (jest caches the result).
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');

const BANNER = 'var __import_meta_url = require("node:url").pathToFileURL(__filename).href;';

module.exports = {
  getCacheKey(source, path) {
    return createHash('sha1').update('esm-to-cjs-2').update(path).update(source).digest('hex');
  },
  process(source, path) {
    const { code, map } = transformSync(source, {
      format: 'cjs',
      loader: 'js',
      target: 'node20',
      sourcefile: path,
      sourcemap: 'external',
      banner: BANNER,
      define: { 'import.meta.url': '__import_meta_url' },
      supported: { 'dynamic-import': false },
      logLevel: 'silent',
    });
    return { code, map };
  },
};
