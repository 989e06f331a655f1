import { AdminConfig } from './admin.config';
import { ConfigException } from './config.exception';
import { HttpConfig } from './http.config';
import { Transform } from 'class-transformer';
import { IsIn, IsInt } from 'class-validator';
import { EnvVar } from './env-var.decorator';
import { configProvider, loadConfig, validateRegisteredConfigs } from './load-config';
import { RateLimitConfig } from './rate-limit.config';
import { ServicesConfig } from './services.config';

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const http = loadConfig(HttpConfig, { PORT: '8080', TRUST_PROXY: 'yes' });
    expect(http).toMatchObject({ port: 8080, host: '0.0.0.0', bodyLimitKb: 1024, trustProxy: true });
  });

  it('names every bad variable in one error', () => {
    try {
      loadConfig(HttpConfig, { PORT: 'abc', TRUST_PROXY: 'maybe', BODY_LIMIT_KB: '0' });
      throw new Error('expected a ConfigException');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigException);
      const msg = (e as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('TRUST_PROXY');
      expect(msg).toContain('BODY_LIMIT_KB');
    }
  });

  it('has no default admin token and refuses a short one', () => {
    expect(loadConfig(AdminConfig, {}).token).toBeUndefined();
    expect(() => loadConfig(AdminConfig, { ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN must be at least 16/);
  });

  it('validates REDIS_URL and SERVICE_COSTS', () => {
    expect(() => loadConfig(RateLimitConfig, { REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(() => loadConfig(ServicesConfig, { SERVICE_COSTS: 'coderunner' })).toThrow(/SERVICE_COSTS/);
    expect([...loadConfig(ServicesConfig, { SERVICE_COSTS: 'coderunner=2, dns=0' }).costOverrides()]).toEqual([
      ['coderunner', 2],
      ['dns', 0],
    ]);
  });
});

describe('validateRegisteredConfigs', () => {
  it('reports the problems of every registered namespace at once', () => {
    class OneConfig {
      @EnvVar('ONE_LIMIT') @Transform(({ value }) => Number(value)) @IsInt()
      readonly limit: number = 1;
    }
    class TwoConfig {
      @EnvVar('TWO_MODE') @IsIn(['a', 'b'])
      readonly mode: string = 'a';
    }
    configProvider(OneConfig);
    configProvider(TwoConfig);
    expect(() => validateRegisteredConfigs({})).not.toThrow();
    try {
      validateRegisteredConfigs({ ONE_LIMIT: 'x', TWO_MODE: 'c' });
      throw new Error('expected a ConfigException');
    } catch (e) {
      expect((e as ConfigException).problems.join('\n')).toMatch(/ONE_LIMIT[\s\S]*TWO_MODE/);
    }
  });
});
