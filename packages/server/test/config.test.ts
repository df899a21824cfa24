import { ConfigError } from '@hotline/common';
import { describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config/config.js';
import { readEnv } from '../src/config/env.js';

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const cfg = envToConfig(readEnv({}));
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.port).toBe(8080);
    expect(cfg.dataDir.endsWith('/data')).toBe(true);
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.demo).toBe(false);
    expect(cfg.publicUrl).toBe('http://localhost:8080');
    expect(cfg.rpId).toBe('localhost');
    expect(cfg.trustProxy).toEqual([]);
    expect(cfg.devicePolicy.deviceBoundRoles).toEqual(['principal', 'admin']);
  });

  it('reads HOTLINE_DEVICE_BOUND_ROLES as a list of roles, or none', () => {
    const roles = (v: string) =>
      envToConfig(readEnv({ HOTLINE_DEVICE_BOUND_ROLES: v })).devicePolicy.deviceBoundRoles;
    expect(roles(' principal, Admin ,staff,admin')).toEqual(['principal', 'admin', 'staff']);
    expect(roles('none')).toEqual([]);
    expect(roles('')).toEqual([]);
  });

  it('reads HOTLINE_UPLOAD_LIMITS per kind over the defaults, and the upload counts', () => {
    const d = envToConfig(readEnv({}));
    expect(d.uploadLimits).toEqual({
      mbox: 2 * 1024 ** 3,
      x: 1024 ** 3,
      phone: 512 * 1024 ** 2,
      csv: 64 * 1024 ** 2,
      eml: 64 * 1024 ** 2,
    });
    expect([d.uploadsPerPerson, d.uploadsTotal]).toEqual([2, 4]);
    const c = envToConfig(
      readEnv({ HOTLINE_UPLOAD_LIMITS: 'mbox=3g, eml=10M,csv=4096', HOTLINE_UPLOADS_PER_PERSON: '1' }),
    );
    expect(c.uploadLimits).toMatchObject({
      mbox: 3 * 1024 ** 3,
      eml: 10 * 1024 ** 2,
      csv: 4096,
      x: 1024 ** 3,
    });
    expect(c.uploadsPerPerson).toBe(1);
  });

  it.each([
    ['zip=1g', 'kind of mbox, eml, x, phone, csv'],
    ['mbox', 'is not "kind=size"'],
    ['mbox=lots', 'the size "lots" for mbox is not a size'],
    ['mbox=0', 'is not a size'],
  ])('refuses HOTLINE_UPLOAD_LIMITS=%s naming the variable', (raw, message) => {
    expect(() => envToConfig(readEnv({ HOTLINE_UPLOAD_LIMITS: raw }))).toThrow(ConfigError);
    expect(() => envToConfig(readEnv({ HOTLINE_UPLOAD_LIMITS: raw }))).toThrow(/HOTLINE_UPLOAD_LIMITS/);
    expect(() => envToConfig(readEnv({ HOTLINE_UPLOAD_LIMITS: raw }))).toThrow(message);
  });

  it('reads HOTLINE_TRUST_PROXY as a list of addresses and CIDR ranges', () => {
    expect(
      envToConfig(readEnv({ HOTLINE_TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8,fd00::/8 ,::1,loopback' }))
        .trustProxy,
    ).toEqual(['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1', 'loopback']);
  });

  it.each([
    [{ HOTLINE_PORT: 'eighty' }, 'HOTLINE_PORT', 'integer from 0 to 65535'],
    [{ HOTLINE_PORT: '70000' }, 'HOTLINE_PORT', 'out of range'],
    [{ HOTLINE_DEMO: 'maybe' }, 'HOTLINE_DEMO', 'use one of 1, 0, true, false'],
    [{ HOTLINE_LOG_LEVEL: 'loud' }, 'HOTLINE_LOG_LEVEL', 'fatal, error, warn, info, debug, trace, silent'],
    [{ HOTLINE_HOST: 'my host' }, 'HOTLINE_HOST', 'not an IP address'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL', 'use postgres://'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', 'postgres://user:password@host'],
    [{ HOTLINE_PUBLIC_URL: 'http://hotline.example.gov' }, 'HOTLINE_PUBLIC_URL', 'must be https://'],
    [{ HOTLINE_ICE_SERVERS: '{"urls":1}' }, 'HOTLINE_ICE_SERVERS', 'JSON array'],
    [{ HOTLINE_FLASH_REVIEWERS: 'two' }, 'HOTLINE_FLASH_REVIEWERS', 'integer from 1 to 10'],
    [{ HOTLINE_FLASH_REVIEWERS: '0' }, 'HOTLINE_FLASH_REVIEWERS', 'out of range'],
    [{ HOTLINE_MEMCON_DEADLINE_DAYS: '5.5' }, 'HOTLINE_MEMCON_DEADLINE_DAYS', 'integer from 1 to 90'],
    [{ HOTLINE_READOUT_DEADLINE_DAYS: '365' }, 'HOTLINE_READOUT_DEADLINE_DAYS', 'out of range'],
    [
      { HOTLINE_READOUT_SEPARATE_APPROVER: 'sometimes' },
      'HOTLINE_READOUT_SEPARATE_APPROVER',
      'use one of 1, 0',
    ],
    [{ HOTLINE_TRUST_PROXY: 'true' }, 'HOTLINE_TRUST_PROXY', 'would trust every address'],
    [{ HOTLINE_TRUST_PROXY: '*' }, 'HOTLINE_TRUST_PROXY', 'would trust every address'],
    [{ HOTLINE_TRUST_PROXY: 'proxy.internal' }, 'HOTLINE_TRUST_PROXY', 'not an IP address or CIDR range'],
    [{ HOTLINE_TRUST_PROXY: '10.0.0.0/33' }, 'HOTLINE_TRUST_PROXY', 'use 1 to 32'],
    [{ HOTLINE_TRUST_PROXY: '0.0.0.0/0' }, 'HOTLINE_TRUST_PROXY', 'trust every address'],
    [{ HOTLINE_TRUST_PROXY: '10.0.0.1,,10.0.0.2' }, 'HOTLINE_TRUST_PROXY', 'empty entry'],
    [{ HOTLINE_DEVICE_BOUND_ROLES: 'principal,president' }, 'HOTLINE_DEVICE_BOUND_ROLES', 'principal, staff'],
  ])('rejects %j naming the variable and the allowed values', (env, variable, hint) => {
    let err: unknown;
    try {
      envToConfig(readEnv(env));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as Error).message).toContain(variable);
    expect((err as Error).message).toContain(hint);
  });

  it('accepts PostgreSQL URLs and https public URLs', () => {
    const cfg = envToConfig(
      readEnv({
        DATABASE_URL: 'postgres://u:p@db:5432/hotline',
        HOTLINE_PUBLIC_URL: 'https://hotline.example.gov',
      }),
    );
    expect(cfg.databaseUrl).toBe('postgres://u:p@db:5432/hotline');
    expect(cfg.rpId).toBe('hotline.example.gov');
  });
});

describe('HOTLINE_SMTP_URL', () => {
  it('takes an smtp:// or smtps:// URL and refuses anything else, naming the variable', () => {
    expect(envToConfig({ smtpUrl: 'smtp://127.0.0.1:2525' }).smtpUrl).toBe('smtp://127.0.0.1:2525');
    expect(envToConfig({}).smtpUrl).toBeUndefined();
    expect(envToConfig({ publicUrl: 'https://hotline.example.gov' }).smtpFrom).toBe(
      'Hotline <hotline@hotline.example.gov>',
    );
    for (const bad of ['http://mail.example.gov', 'not a url', 'smtp://'])
      expect(() => envToConfig({ smtpUrl: bad })).toThrow(/HOTLINE_SMTP_URL/);
  });
});
