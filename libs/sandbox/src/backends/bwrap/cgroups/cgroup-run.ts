export interface CgroupStats {
  oomKilled: boolean;
  memoryPeakKb?: number;
  cpuTimeMs?: number;
}

/** One child cgroup per run, created and removed by this process. */
export interface CgroupRun {
  attach(pid: number): Promise<void>;
  stats(): Promise<CgroupStats>;
  /** Opens the files stats() reads, so that reading them later is all it costs; closed by remove(). */
  openStats(): void;
  /** Background: a tiny CPU weight, so a warm sandbox starting up never slows live runs. */
  setBackground(background: boolean): Promise<void>;
  /** Peak memory from now on (best effort: cgroup v2 before Linux 6.12 cannot reset it). */
  resetMemoryPeak(): Promise<void>;
  /** SIGKILL everything inside and wait until it is empty; true when empty. */
  killAll(timeoutMs?: number): Promise<boolean>;
  pids(): Promise<number[]>;
  remove(): Promise<void>;
}

export interface CgroupRunLimits {
  memoryBytes: number;
  pids: number;
  /** CPU bandwidth in cores (CFS quota); unlimited when the cpu controller is not there. */
  cpus: number;
}

export interface CgroupManager {
  readonly version: 1 | 2;
  /** A reason why runs cannot be limited, or undefined when they can. */
  problem(): Promise<string | undefined>;
  create(limits: CgroupRunLimits): Promise<CgroupRun>;
  /** Removes the emptied run cgroups kept for later runs (v1 keeps some; see CgroupV1Manager). */
  removeSpares(): Promise<void>;
}
