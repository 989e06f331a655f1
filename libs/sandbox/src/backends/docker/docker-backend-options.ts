export interface DockerBackendOptions {
  /** Image holding the runtimes, e.g. `rootfsInfo().imageTag` (`sandbox-runtime:<hash>`). */
  image: string;
  /** OCI runtime registered with dockerd, e.g. `runsc` for gVisor; the daemon default when unset. */
  runtime?: string;
  /** Docker socket of the daemon to use; dockerode's default (DOCKER_HOST or /var/run/docker.sock) when unset. */
  socketPath?: string;
  /** CPU quota per run, in cores. Default 1. */
  cpus?: number;
  /** uid:gid user code runs as. Default 65534:65534 (nobody). */
  user?: string;
  /** Inode cap of each tmpfs (/work, /tmp), so tiny files cannot exhaust kernel memory. Default 4096. */
  tmpfsInodes?: number;
  /** Open-file limit inside the container. Default 512. */
  maxOpenFiles?: number;
  /** Extra labels on every container (the backend's own label is always set); they also scope removeLeftovers(). */
  labels?: Record<string, string>;
  /**
   * Containers of this backend older than this are leftovers of a crashed process and are
   * removed at the first probe. Must exceed the longest run and a warm container's lifetime.
   * Default 15 minutes.
   */
  leftoverAgeMs?: number;
}

/** Every container this backend creates carries this label, so leftovers can be found. */
export const DOCKER_BACKEND_LABEL = 'io.sandbox-gateway.backend';
export const DOCKER_BACKEND_LABEL_VALUE = 'docker';
