import { Language } from '../run-spec';

/**
 * What a warm sandbox has loaded. TypeScript has node plus the in-sandbox transpiler; the
 * TypeScript that only esbuild compiles as meant (see sucrase-subset.ts) is compiled before it
 * enters and runs in a node sandbox.
 */
export type WarmRuntime = 'python' | 'node' | 'typescript' | 'bash';

export const WARM_RUNTIMES: readonly WarmRuntime[] = ['python', 'node', 'typescript', 'bash'];

/** The runtime a language's runs use, but for TypeScript compiled before the sandbox (node). */
export function warmRuntimeOf(language: Language): WarmRuntime {
  return language === 'javascript' ? 'node' : language;
}
