import { buildRootfsTree, importDockerImage, pruneOldTrees } from './build-rootfs';

const started = Date.now();
const log = (line: string) => process.stdout.write(`[sandbox:build +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

(async () => {
  const info = await buildRootfsTree(log);
  if (!process.argv.includes('--no-docker')) await importDockerImage(info, log);
  // Opt-in: a gateway still running the previous definition keeps using its tree until restarted.
  if (process.argv.includes('--prune')) await pruneOldTrees(info, log);
  log(`done: rootfs ${info.dir}, image ${info.imageTag}`);
})().catch((err: unknown) => {
  process.stderr.write(`[sandbox:build] FAILED: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
