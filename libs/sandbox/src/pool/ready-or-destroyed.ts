import { SandboxError, SandboxErrorCode } from '../sandbox-error';
import { WarmSandbox } from './warm-sandbox';

/** The sandbox once `becomeReady` resolved; when it rejects, the sandbox is destroyed first and its start reported failed. */
export async function readyOrDestroyed<T extends WarmSandbox>(sandbox: T, becomeReady: () => Promise<void>, what: string): Promise<T> {
  try {
    await becomeReady();
  } catch (err) {
    await sandbox.destroy();
    throw new SandboxError(SandboxErrorCode.Internal, `${what} did not start: ${(err as Error).message}`);
  }
  return sandbox;
}
