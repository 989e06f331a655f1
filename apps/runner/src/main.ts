import { parseRunnerOptions, serveRunner } from '@app/sandbox';

// Started by ChildProcessExecutor (fork IPC); options as JSON in argv, a minimal fixed environment.
serveRunner(parseRunnerOptions(process.argv[2]));
