import { buildFastSpawn } from '../backends/bwrap/native/fast-spawn-addon';
import { buildRootfsTree, importDockerImage, pruneOldTrees } from './build-rootfs';

const started = Date.now();
const log = (line: string) => process.stdout.write(`[sandbox:build +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

(async () => {
  const info = await buildRootfsTree(log);
  // After the tree, whose build installs a compiler where none was.
  await buildFastSpawn(log);
  if (!process.argv.includes('--no-docker')) await importDockerImage(info, log);
  // Opt-in: a gateway still running the previous definition keeps using its tree until restarted.
  if (process.argv.includes('--prune')) await pruneOldTrees(info, log);
  log(`done: rootfs ${info.dir}, image ${info.imageTag}`);
})().catch((err: unknown) => {
  process.stderr.write(`[sandbox:build] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  // --best-effort (npm start/test): the gateway still starts; the code runner answers 503 and /health says why.
  if (process.argv.includes('--best-effort')) {
    process.stderr.write('[sandbox:build] !!! continuing WITHOUT a sandbox runtime: code execution will answer 503 until `npm run sandbox:build` succeeds\n');
    return;
  }
  process.exit(1);
});
