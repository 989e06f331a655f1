import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { MIB } from '../../limits';
import { rootfsInfo } from '../../rootfs/rootfs-info';
import { BackendHealth, RunLimits, RunResult } from '../../run-spec';
import { SandboxError, SandboxErrorCode } from '../../sandbox-error';
import { PreparedRun, SandboxBackend } from '../sandbox-backend';
import { launcherArgv } from '../../pool/warm-launchers';
import { WarmRuntime } from '../../pool/warm-runtime';
import { WarmCapable, WarmSandbox } from '../../pool/warm-sandbox';
import { WarmUrgency } from '../../pool/warm-urgency';
import { BoundedOutput } from './bounded-output';
import { NamespaceHold } from './namespace-hold';
import { RunTeardown } from './run-teardown';
import { FD, ignoreErrors } from './bwrap-fds';
import { buildBwrapArgs, SHM_MAX_MB } from './bwrap-args';
import { BwrapExit, BwrapOutcome, bwrapResult } from './bwrap-result';
import { killBwrap, releaseIntoCgroup } from './bwrap-startup';
import { BwrapWarmSandbox } from './bwrap-warm-sandbox';
import { hasDonePipe } from './done-pipe';
import { CgroupManager, CgroupRun } from './cgroups/cgroup-run';
import { detectCgroups } from './cgroups/detect-cgroups';
import { inheritedFds, isExecutable, userNamespaceProblem } from './host-checks';
import { BwrapChild } from './bwrap-child';
import { loadFastSpawn } from './native/fast-spawn-addon';
import { BwrapStatus } from './bwrap-status';
import { NativeChild } from './native/native-child';
import { seccompFilterBytes, seccompSupported } from './seccomp-filter';
import { PythonZygote, ZygoteChild } from './zygote/python-zygote';
import { PythonZygoteFleet } from './zygote/python-zygote-fleet';
import { pythonZygoteSource, SLOT_FDS, ZYGOTE_FD } from './zygote/python-zygote-program';
import { ZygoteWarmSandbox } from './zygote/zygote-warm-sandbox';

export interface BwrapBackendOptions {
  /** Built rootfs tree; default rootfsInfo().dir. */
  rootfsDir?: string;
  bwrapPath?: string;
  prlimitPath?: string;
  /** Host uid/gid bwrap is started as when this process is root (never root itself). */
  uid?: number;
  gid?: number;
  cgroups?: CgroupManager;
  /** CPU bandwidth per run, in cores. Default 1 (as the Docker backend). */
  cpus?: number;
  /**
   * native (default when the addon is built): the fast-spawn addon, no fork of this process and no
   * prlimit(1). node: child_process through prlimit(1). Both give bwrap the same fds, limits and uid.
   */
  spawner?: 'native' | 'node';
  /**
   * Warm Python sandboxes are forked from a zygote (default true): each is a single-use sandbox of
   * its own (namespaces, mounts, cgroup, seccomp), at about a third of a fresh bwrap and Python's CPU.
   * false: each is a bwrap sandbox with its own Python, as JavaScript's and Bash's are.
   */
  pythonZygote?: boolean;
}

const PROBE_TTL_MS = 30_000;
const SETUP_TIMEOUT_MS = 10_000;
const NOFILE = 512;
/** Children per zygote: its start (~30-40 ms of CPU) is shared by this many. */
const ZYGOTE_SLOTS = 32;
const PROBE_LIMITS: RunLimits = { timeoutMs: 5000, memoryMb: 64, pids: 16, outputBytes: 4096, tmpfsMb: 1 };

export class BwrapBackend implements SandboxBackend, WarmCapable {
  readonly name = 'bwrap' as const;
  private readonly rootfsDir: string;
  private readonly bwrapPath: string;
  private readonly prlimitPath: string;
  private readonly uid: number;
  private readonly gid: number;
  private readonly cpus: number;
  private readonly spawner: 'native' | 'node';
  private cgroups?: Promise<CgroupManager | string>;
  private probed?: { at: number; health: BackendHealth };
  private leakedFds: number[] = inheritedFds();
  private readonly teardown = new RunTeardown();
  private readonly zygotes?: PythonZygoteFleet;

  constructor(options: BwrapBackendOptions = {}) {
    this.rootfsDir = options.rootfsDir ?? rootfsInfo().dir;
    this.bwrapPath = options.bwrapPath ?? '/usr/bin/bwrap';
    this.prlimitPath = options.prlimitPath ?? '/usr/bin/prlimit';
    this.uid = options.uid ?? 65534;
    this.gid = options.gid ?? 65534;
    this.cpus = options.cpus ?? 1;
    this.spawner = options.spawner ?? 'native';
    if (options.cgroups) this.cgroups = Promise.resolve(options.cgroups);
    if (options.pythonZygote ?? true) this.zygotes = new PythonZygoteFleet((limits) => this.startZygote(limits));
  }

  async probe(): Promise<BackendHealth> {
    if (this.probed && this.probed.health.ready && Date.now() - this.probed.at < PROBE_TTL_MS) return this.probed.health;
    this.leakedFds = inheritedFds();
    const reason = await this.findProblem();
    const health: BackendHealth = reason ? { backend: this.name, ready: false, reason } : { backend: this.name, ready: true };
    this.probed = { at: Date.now(), health };
    return health;
  }

  private async findProblem(): Promise<string | undefined> {
    if (process.platform !== 'linux') return 'bubblewrap needs Linux';
    if (!seccompSupported()) return `no seccomp filter for architecture ${process.arch}`;
    if (!(await isExecutable(this.bwrapPath))) return `bubblewrap not found at ${this.bwrapPath} (apt-get install bubblewrap)`;
    if (!(await isExecutable(this.prlimitPath))) return `prlimit not found at ${this.prlimitPath} (util-linux)`;
    if (!(await isExecutable(`${this.rootfsDir}/usr/bin/python3`))) {
      return `sandbox rootfs not built at ${this.rootfsDir} (run npm run sandbox:build)`;
    }
    if (process.getuid?.() === 0 && this.uid === 0) return 'refusing to start bubblewrap as root';
    const userns = await userNamespaceProblem();
    if (userns) return userns;
    const cg = await this.cgroupManager().catch((err: Error) => err.message);
    if (typeof cg === 'string') return cg;
    const cgProblem = await cg.problem();
    if (cgProblem) return cgProblem;
    try {
      const r = await this.execute({ argv: ['true'], files: [], limits: PROBE_LIMITS });
      if (r.exitCode !== 0) return `smoke run failed (exit ${r.exitCode}): ${r.stderr.trim().slice(0, 300)}`;
    } catch (err) {
      return `smoke run failed: ${(err as Error).message}`;
    }
    return undefined;
  }

  private async cgroupManager(): Promise<CgroupManager> {
    const found = await (this.cgroups ??= detectCgroups());
    if (typeof found === 'string') throw new SandboxError(SandboxErrorCode.Unavailable, found);
    return found;
  }

  async execute(run: PreparedRun): Promise<RunResult> {
    const cgRun = await this.createCgroup(run.limits);
    let result: RunResult | undefined;
    let failure: unknown;
    let ns: NamespaceHold | undefined;
    try {
      result = await this.runInCgroup(run, cgRun, (hold) => (ns = hold));
    } catch (err) {
      failure = err;
    }
    const empty = await this.teardown.finish(cgRun, ns);
    if (failure) throw failure;
    if (!empty) throw new SandboxError(SandboxErrorCode.Internal, 'processes of the run could not be killed');
    return result!;
  }

  /** Run cgroups are released after their result is returned; this waits for that, then removes those kept for reuse. */
  async drain(): Promise<void> {
    await this.zygotes?.retireIdle();
    await this.teardown.drain();
    const found = await this.cgroups;
    if (found !== undefined && typeof found !== 'string') await found.removeSpares();
  }

  async startWarm(runtime: WarmRuntime, limits: RunLimits, urgency?: WarmUrgency): Promise<WarmSandbox> {
    const cgRun = await this.createCgroup(limits);
    await cgRun.setBackground(true);
    urgency?.onRaise(() => void cgRun.setBackground(false));
    if (runtime === 'python' && this.zygotes) {
      let forked: ZygoteChild;
      try {
        forked = await this.zygotes.fork(limits);
      } catch (err) {
        await cgRun.remove().catch(() => undefined);
        throw new SandboxError(SandboxErrorCode.Internal, `cannot fork a warm python sandbox: ${(err as Error).message}`);
      }
      return ZygoteWarmSandbox.start(forked, cgRun, this.teardown, SETUP_TIMEOUT_MS);
    }
    let child: BwrapChild;
    try {
      const donePipe = hasDonePipe(runtime);
      child = this.spawnBwrap({ argv: launcherArgv(runtime, donePipe ? FD.done : null), files: [], limits }, { stdinPipe: true, donePipe });
    } catch (err) {
      await cgRun.remove().catch(() => undefined);
      throw new SandboxError(SandboxErrorCode.Internal, `cannot start bubblewrap: ${(err as Error).message}`);
    }
    return BwrapWarmSandbox.start(runtime, child, cgRun, this.teardown, SETUP_TIMEOUT_MS);
  }

  /**
   * A zygote in a bwrap sandbox of its own, with a cgroup of its own at normal CPU weight: a run
   * may be waiting for its first fork.
   */
  private async startZygote(limits: RunLimits): Promise<PythonZygote> {
    const cgRun = await this.createCgroup(limits);
    const layout = {
      slots: ZYGOTE_SLOTS,
      uid: this.uid,
      gid: this.gid,
      tmpfsBytes: limits.tmpfsMb * MIB,
      shmBytes: Math.min(limits.tmpfsMb, SHM_MAX_MB) * MIB,
    };
    let child: BwrapChild;
    try {
      const bwrapArgs = this.bwrapArgs(limits, [], null, ['python3', '-u', '-c', pythonZygoteSource(layout)], true);
      const stdio = Array.from({ length: ZYGOTE_FD.firstSlot + ZYGOTE_SLOTS * SLOT_FDS }, () => 'pipe' as const);
      child = this.launch(bwrapArgs, stdio, limits);
    } catch (err) {
      await cgRun.remove().catch(() => undefined);
      throw new SandboxError(SandboxErrorCode.Internal, `cannot start bubblewrap: ${(err as Error).message}`);
    }
    return PythonZygote.start(child, cgRun, this.teardown, ZYGOTE_SLOTS, SETUP_TIMEOUT_MS);
  }

  warmIsCheap(runtime: WarmRuntime): boolean {
    return runtime === 'python' && this.zygotes !== undefined;
  }

  private async createCgroup(limits: RunLimits): Promise<CgroupRun> {
    const cg = await this.cgroupManager();
    try {
      return await cg.create({ memoryBytes: limits.memoryMb * MIB, pids: limits.pids, cpus: this.cpus });
    } catch (err) {
      throw new SandboxError(SandboxErrorCode.Unavailable, `cannot create a cgroup for the run: ${(err as Error).message}`);
    }
  }

  /**
   * stdinPipe: a pipe on fd 0 even without stdin (a warm launcher waits on it); else /dev/null.
   * donePipe: a pipe on FD.done for a warm launcher (which has no files).
   */
  private spawnBwrap(run: PreparedRun, o: { stdinPipe?: boolean; donePipe?: boolean } = {}): BwrapChild {
    const stdinPipe = o.stdinPipe ?? run.stdin !== undefined;
    const bwrapArgs = this.bwrapArgs(run.limits, run.files.map((f) => f.name), FD.seccomp, run.argv, false);
    const stdio: ('pipe' | 'ignore')[] = [
      stdinPipe ? 'pipe' : 'ignore',
      'pipe',
      'pipe',
      'pipe',
      'pipe',
      'pipe',
      ...run.files.map(() => 'pipe' as const),
      ...(o.donePipe ? ['pipe' as const] : []),
    ];
    return this.launch(bwrapArgs, stdio, run.limits);
  }

  private bwrapArgs(limits: RunLimits, fileNames: string[], seccompFd: number | null, argv: string[], keepCapabilities: boolean): string[] {
    return buildBwrapArgs({
      rootfsDir: this.rootfsDir,
      uid: this.uid,
      gid: this.gid,
      limits,
      fileNames,
      firstFileFd: FD.firstFile,
      statusFd: FD.status,
      blockFd: FD.block,
      seccompFd,
      keepCapabilities,
      argv,
    });
  }

  private launch(bwrapArgs: string[], stdio: ('pipe' | 'ignore')[], limits: RunLimits): BwrapChild {
    // env {} on both paths: bwrap's own pid 1 keeps its environment, readable in /proc/1/environ.
    const asRoot = process.getuid?.() === 0;
    const credentials = asRoot ? { uid: this.uid, gid: this.gid } : {};
    const fsize = limits.tmpfsMb * MIB;
    const addon = this.spawner === 'native' ? loadFastSpawn() : undefined;
    if (addon) {
      return new NativeChild(addon, this.bwrapPath, [this.bwrapPath, ...bwrapArgs], {
        stdio,
        env: {},
        ...credentials,
        limits: { core: 0, fsize, nofile: NOFILE },
      });
    }
    // A pipe dup'ed over each inherited fd hides whatever it pointed to from the sandbox.
    for (const fd of this.leakedFds) {
      if (fd < stdio.length) continue;
      while (stdio.length < fd) stdio.push('ignore');
      stdio[fd] = 'pipe';
    }
    const argv = ['--core=0', `--fsize=${fsize}`, `--nofile=${NOFILE}`, '--', this.bwrapPath, ...bwrapArgs];
    return spawn(this.prlimitPath, argv, { stdio, env: {}, ...credentials });
  }

  private runInCgroup(run: PreparedRun, cgRun: CgroupRun, onNamespace: (hold: NamespaceHold) => void): Promise<RunResult> {
    return new Promise<RunResult>((resolve, reject) => {
      const started = performance.now();
      const stdout = new BoundedOutput(run.limits.outputBytes);
      const stderr = new BoundedOutput(run.limits.outputBytes);
      let child: BwrapChild;
      try {
        child = this.spawnBwrap(run);
      } catch (err) {
        reject(new SandboxError(SandboxErrorCode.Internal, `cannot start bubblewrap: ${(err as Error).message}`));
        return;
      }
      let released = false;
      let timedOut = false;
      let settled = false;
      let wallTimer: NodeJS.Timeout | undefined;
      const killTree = () => killBwrap(child, cgRun);
      const setupTimer = setTimeout(() => {
        if (!released) killTree();
      }, SETUP_TIMEOUT_MS);

      const pipes = child.stdio as unknown as (Readable & Writable)[];
      pipes.forEach((s) => ignoreErrors(s));
      for (let fd = FD.firstFile + run.files.length; fd < pipes.length; fd++) pipes[fd]?.destroy();
      child.stdout!.on('data', (c: Buffer) => stdout.push(c));
      child.stderr!.on('data', (c: Buffer) => stderr.push(c));
      if (run.stdin !== undefined) child.stdin!.end(run.stdin);
      pipes[FD.seccomp].end(seccompFilterBytes());
      run.files.forEach((f, i) => pipes[FD.firstFile + i].end(f.content));

      const onInit = (pid: number) => {
        onNamespace(NamespaceHold.take(pid));
      };
      releaseIntoCgroup(child, new BwrapStatus(pipes[FD.status]), pipes[FD.block], cgRun, onInit).then(
        () => {
          released = true;
          clearTimeout(setupTimer);
          wallTimer = setTimeout(() => {
            timedOut = true;
            killTree();
          }, run.limits.timeoutMs);
        },
        (err: Error) => {
          stderr.push(Buffer.from(err.message));
          killTree();
        },
      );

      child.on('error', (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(setupTimer);
        clearTimeout(wallTimer);
        reject(new SandboxError(SandboxErrorCode.Internal, `cannot start bubblewrap: ${err.message}`));
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        clearTimeout(setupTimer);
        clearTimeout(wallTimer);
        const durationMs = Math.round(performance.now() - started);
        if (!released) {
          reject(
            new SandboxError(
              SandboxErrorCode.Internal,
              `bubblewrap failed before the program started (exit ${code ?? signal}): ${stderr.text().trim().slice(0, 500)}`,
            ),
          );
          return;
        }
        this.finish({ code, signal }, { stdout, stderr, timedOut, durationMs }, cgRun).then(resolve, reject);
      });
    });
  }

  private async finish(exit: BwrapExit, outcome: BwrapOutcome, cgRun: CgroupRun): Promise<RunResult> {
    return bwrapResult(exit, outcome, await cgRun.stats());
  }
}
