import { Language } from '../run-spec';

/** What a warm sandbox has loaded; TypeScript is compiled before it enters, so it shares node. */
export type WarmRuntime = 'python' | 'node' | 'bash';

export const WARM_RUNTIMES: readonly WarmRuntime[] = ['python', 'node', 'bash'];

export function warmRuntimeOf(language: Language): WarmRuntime {
  if (language === 'javascript' || language === 'typescript') return 'node';
  return language;
}
