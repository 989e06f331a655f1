import { Language } from './run-spec';

export interface LanguageSpec {
  language: Language;
  aliases: readonly string[];
  /** Name of the user's source file inside /work. */
  sourceFile: string;
  /** Command inside the sandbox for the (compiled) main file. */
  command(mainFile: string, args: readonly string[]): string[];
  /** Asked inside the sandbox by runtimes(). */
  versionCommand: readonly string[];
}

export const LANGUAGES: Readonly<Record<Language, LanguageSpec>> = Object.freeze({
  python: {
    language: 'python',
    aliases: ['py', 'python3'],
    sourceFile: 'main.py',
    // -u: output printed before a timeout kill must not be lost in a stdio buffer.
    command: (main, args) => ['python3', '-u', main, ...args],
    versionCommand: ['python3', '--version'],
  },
  javascript: {
    language: 'javascript',
    aliases: ['js', 'node', 'nodejs'],
    sourceFile: 'main.js',
    command: (main, args) => ['node', main, ...args],
    versionCommand: ['node', '--version'],
  },
  typescript: {
    language: 'typescript',
    aliases: ['ts'],
    sourceFile: 'main.ts',
    command: (main, args) => ['node', main, ...args],
    versionCommand: ['node', '--version'],
  },
  bash: {
    language: 'bash',
    aliases: ['sh'],
    sourceFile: 'main.sh',
    command: (main, args) => ['bash', main, ...args],
    versionCommand: ['bash', '--version'],
  },
});

const BY_NAME: ReadonlyMap<string, Language> = new Map(
  Object.values(LANGUAGES).flatMap((l) => [l.language, ...l.aliases].map((n) => [n, l.language] as const)),
);

export function resolveLanguage(name: string): Language | undefined {
  if (typeof name !== 'string') return undefined;
  return BY_NAME.get(name.trim().toLowerCase());
}

export function languageNames(): string[] {
  return [...BY_NAME.keys()];
}
