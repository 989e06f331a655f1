export type Language = 'python' | 'javascript' | 'typescript' | 'bash';

export interface RunFile {
  name: string;
  content: string;
}

export interface RunLimits {
  timeoutMs: number;
  memoryMb: number;
  pids: number;
  outputBytes: number;
  tmpfsMb: number;
}

export interface RunSpec {
  language: Language;
  code: string;
  stdin?: string;
  args?: string[];
  files?: RunFile[];
  limits: RunLimits;
}

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  timedOut: boolean;
  oomKilled: boolean;
  durationMs: number;
  cpuTimeMs?: number;
  memoryPeakKb?: number;
}

export interface RuntimeInfo {
  language: Language;
  aliases: string[];
  version: string;
}

export interface BackendHealth {
  backend: string;
  ready: boolean;
  reason?: string;
}
