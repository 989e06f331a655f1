import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * The ASCII (punycode), lower-case form of a domain name without its trailing dot,
 * or undefined when it is not a name we will send to a resolver.
 */
export function normalizeDnsName(input: string): string | undefined {
  let name = input.trim();
  if (name.endsWith('.')) name = name.slice(0, -1);
  // domainToASCII also accepts characters DNS has no use for (e.g. "$"), so the label check below still runs.
  if (/[^\x00-\x7f]/.test(name)) name = domainToASCII(name);
  name = name.toLowerCase();
  if (!name || name.length > 253) return undefined;
  return name.split('.').every((label) => LABEL.test(label)) ? name : undefined;
}
