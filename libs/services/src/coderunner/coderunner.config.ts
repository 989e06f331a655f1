import { EnvVar, toBool, toNumber } from '@app/platform';
import { LimitsTable, WarmPoolSizes } from '@app/sandbox';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { cpus } from 'node:os';

export class CoderunnerConfig {
  /**
   * inline: the executor lives in this process; process: in a forked runner (dist/apps/runner).
   * auto: inline when bubblewrap can be started by the fast-spawn addon, which copies no page
   * tables, else process, because a fork() from this large process would stall its event loop
   * for milliseconds per sandbox. Inline spares two IPC hops per run (about 1.3 ms).
   */
  @EnvVar('SANDBOX_EXECUTOR') @IsIn(['auto', 'process', 'inline'])
  readonly executor: 'auto' | 'process' | 'inline' = 'auto';

  /** auto: Docker when a daemon answers and the image exists, else bubblewrap. */
  @EnvVar('SANDBOX_BACKEND') @IsIn(['auto', 'bwrap', 'docker'])
  readonly backend: 'auto' | 'bwrap' | 'docker' = 'auto';

  /** A run mostly waits (process start, exit, I/O), so several per core keep the CPUs busy. */
  @EnvVar('SANDBOX_MAX_CONCURRENCY') @Transform(toNumber) @IsInt() @Min(1) @Max(1024)
  readonly maxConcurrency: number = 4 * Math.max(1, cpus().length);

  /** Runs waiting beyond this answer 503 capacity at once. */
  @EnvVar('SANDBOX_MAX_QUEUE') @Transform(toNumber) @IsInt() @Min(0) @Max(100_000)
  readonly maxQueue: number = 64;

  @EnvVar('SANDBOX_TIMEOUT_MS') @Transform(toNumber) @IsInt() @Min(100)
  readonly timeoutMs: number = 10_000;

  @EnvVar('SANDBOX_MAX_TIMEOUT_MS') @Transform(toNumber) @IsInt() @Min(100)
  readonly maxTimeoutMs: number = 30_000;

  @EnvVar('SANDBOX_MEMORY_MB') @Transform(toNumber) @IsInt() @Min(32)
  readonly memoryMb: number = 256;

  @EnvVar('SANDBOX_MAX_MEMORY_MB') @Transform(toNumber) @IsInt() @Min(32)
  readonly maxMemoryMb: number = 1024;

  @EnvVar('SANDBOX_PIDS') @Transform(toNumber) @IsInt() @Min(8) @Max(4096)
  readonly pids: number = 64;

  /** Per stream (stdout, stderr). */
  @EnvVar('SANDBOX_OUTPUT_KB') @Transform(toNumber) @IsInt() @Min(1) @Max(16_384)
  readonly outputKb: number = 64;

  @EnvVar('SANDBOX_TMPFS_MB') @Transform(toNumber) @IsInt() @Min(1) @Max(4096)
  readonly tmpfsMb: number = 64;

  @EnvVar('CODE_MAX_KB') @Transform(toNumber) @IsInt() @Min(1) @Max(16_384)
  readonly codeMaxKb: number = 256;

  /** OCI runtime for the Docker backend, e.g. runsc (gVisor) where installed. */
  @EnvVar('SANDBOX_DOCKER_RUNTIME') @IsOptional() @IsString() @Matches(/^[a-zA-Z0-9_.-]+$/)
  readonly dockerRuntime?: string;

  /** Built runtime tree for bubblewrap; default the pinned build under SANDBOX_DATA_DIR. */
  @EnvVar('SANDBOX_ROOTFS_DIR') @IsOptional() @IsString()
  readonly rootfsDir?: string;

  /** Image for the Docker backend; default the pinned `sandbox-runtime:<hash>`. */
  @EnvVar('SANDBOX_DOCKER_IMAGE') @IsOptional() @IsString()
  readonly dockerImage?: string;

  /** Warm single-use sandboxes kept per language (interpreter loaded, waiting for code); 0 disables. */
  @EnvVar('SANDBOX_POOL_PYTHON') @Transform(toNumber) @IsInt() @Min(0) @Max(64)
  readonly poolPython: number = 2;

  /** JavaScript and TypeScript share node sandboxes (TypeScript is compiled before it enters). */
  @EnvVar('SANDBOX_POOL_JAVASCRIPT') @Transform(toNumber) @IsInt() @Min(0) @Max(64)
  readonly poolJavascript: number = 2;

  @EnvVar('SANDBOX_POOL_TYPESCRIPT') @Transform(toNumber) @IsInt() @Min(0) @Max(64)
  readonly poolTypescript: number = 2;

  @EnvVar('SANDBOX_POOL_BASH') @Transform(toNumber) @IsInt() @Min(0) @Max(64)
  readonly poolBash: number = 1;

  /**
   * bubblewrap: warm Python sandboxes are forked from a zygote, each a single-use sandbox of its own
   * at about a third of the CPU of a fresh sandbox and Python; false starts each one fresh.
   */
  @EnvVar('SANDBOX_PYTHON_ZYGOTE') @Transform(toBool) @IsBoolean({ message: 'SANDBOX_PYTHON_ZYGOTE must be true or false' })
  readonly pythonZygote: boolean = true;

  /** Warm sandboxes started at once in the background; default half the cores. */
  @EnvVar('SANDBOX_POOL_REFILL_CONCURRENCY') @IsOptional() @Transform(toNumber) @IsInt() @Min(1) @Max(64)
  readonly poolRefillConcurrency?: number;

  warmSizes(): WarmPoolSizes {
    return { python: this.poolPython, javascript: this.poolJavascript, typescript: this.poolTypescript, bash: this.poolBash };
  }

  limitsTable(): LimitsTable {
    const outputBytes = this.outputKb * 1024;
    return {
      defaults: { timeoutMs: this.timeoutMs, memoryMb: this.memoryMb, pids: this.pids, outputBytes, tmpfsMb: this.tmpfsMb },
      maxima: { timeoutMs: this.maxTimeoutMs, memoryMb: this.maxMemoryMb, pids: this.pids, outputBytes, tmpfsMb: this.tmpfsMb },
    };
  }
}
