/** Thrown at boot: the process must not start on a bad configuration. */
export class ConfigException extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigException';
  }
}
