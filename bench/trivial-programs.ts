/** The trivial program per language, and the same work as a bare interpreter command. */
export const TRIVIAL: Record<string, { code: string; bare: string[] }> = {
  python: { code: 'print(1)', bare: ['python3', '-c', 'print(1)'] },
  javascript: { code: 'console.log(1)', bare: ['node', '-e', 'console.log(1)'] },
  typescript: { code: 'const n: number = 1;\nconsole.log(n)', bare: ['node', '-e', 'console.log(1)'] },
  bash: { code: 'echo 1', bare: ['bash', '-c', 'echo 1'] },
};
