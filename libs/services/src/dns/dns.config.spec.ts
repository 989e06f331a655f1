import { ConfigException, loadConfig } from '@app/platform';
import { DnsConfig } from './dns.config';

describe('DnsConfig', () => {
  it('has bounded defaults and the system resolver when DNS_SERVERS is unset', () => {
    const config = loadConfig(DnsConfig, {});
    expect(config).toMatchObject({ timeoutMs: 1000, tries: 2, deadlineMs: 4500, cacheSize: 10_000, defaultTtlSec: 60 });
    expect(config.serverList()).toBeUndefined();
  });

  it('parses IPv4 and IPv6 servers with and without ports', () => {
    const config = loadConfig(DnsConfig, { DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[::1]:5300, 2001:db8::53,[2001:db8::1]' });
    expect(config.serverList()).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:5300', '2001:db8::53', '2001:db8::1']);
  });

  it.each([
    ['dns.google', 'is not an IPv4 address'],
    ['1.1.1.1:0', 'port outside'],
    ['1.1.1.1:70000', 'port outside'],
    ['::1:53:x', 'not host[:port]'],
    ['[1.1.1.1]:53', 'not an IPv6 address'],
    [',', 'lists no server'],
  ])('refuses DNS_SERVERS=%p at boot', (value, problem) => {
    expect(() => loadConfig(DnsConfig, { DNS_SERVERS: value })).toThrow(ConfigException);
    expect(() => loadConfig(DnsConfig, { DNS_SERVERS: value })).toThrow(problem);
  });

  it('refuses unbounded timeouts', () => {
    expect(() => loadConfig(DnsConfig, { DNS_DEADLINE_MS: '600000' })).toThrow(/DNS_DEADLINE_MS/);
    expect(() => loadConfig(DnsConfig, { DNS_TRIES: '0' })).toThrow(/DNS_TRIES/);
  });
});
