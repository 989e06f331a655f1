/** Settings libs/sandbox reads from process.env (and dockerode's daemon address); nothing else reaches the runner. */
const PASSED = ['SANDBOX_DATA_DIR', 'SANDBOX_ROOTFS_DIR', 'SANDBOX_CGROUP_V2_PARENT', 'DOCKER_HOST'] as const;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The runner's whole environment: never the gateway's, which holds secrets such as DATABASE_URL. */
export function runnerEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { PATH: source.PATH || DEFAULT_PATH };
  for (const name of PASSED) {
    const value = source[name];
    if (value) env[name] = value;
  }
  return env;
}
