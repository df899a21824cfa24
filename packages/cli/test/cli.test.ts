import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HotlineError, silentLogger } from '@hotline/common';
import { AppContext, envToConfig, readEnv } from '@hotline/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../server/src/db/migrations/index.js';
import { SoftAuthenticator } from '../../server/test/helpers/webauthn.js';
import { buildProgram } from '../src/program.js';
import { buildCli, helpText, runCli } from './run-cli.js';

describe('hotline --help', () => {
  it('lists every command', () => {
    const out = helpText(buildProgram(), []);
    expect(out).toMatch(/^Usage: hotline \[options\] \[command\]/);
    for (const c of ['serve', 'migrate', 'offices', 'users', 'keys', 'log', 'verify', 'import']) {
      expect(out).toMatch(new RegExp(`\\n  ${c}\\b`));
    }
  });

  it('explains serve, and where its configuration comes from', () => {
    const out = helpText(buildProgram(), ['serve']);
    expect(out).toMatch(/^Usage: hotline serve \[options\]/);
    expect(out).toMatch(/migrates the database first/);
    expect(out).toMatch(/HOTLINE_PORT/);
  });

  it('explains migrate', () => {
    const out = helpText(buildProgram(), ['migrate']);
    expect(out).toMatch(/^Usage: hotline migrate/);
    expect(out).toMatch(/Apply pending database migrations/);
    expect(out).toMatch(/DATABASE_URL.*HOTLINE_DATA_DIR/s);
  });

  it('names every option of users invite', () => {
    const out = helpText(buildProgram(), ['users', 'invite']);
    expect(out).toMatch(/^Usage: hotline users invite \[options\]/);
    for (const o of ['--office', '--email', '--name', '--title', '--roles', '--time-zone'])
      expect(out).toContain(o);
    expect(out).toMatch(/principal,staff,reviewer,secretariat,notetaker,press,records,liaison,admin/);
  });

  it('explains users list', () => {
    const out = helpText(buildProgram(), ['users', 'list']);
    expect(out).toMatch(/^Usage: hotline users list \[options\]/);
    for (const o of ['--office', '--json']) expect(out).toContain(o);
  });

  it('names every option of offices add', () => {
    const out = helpText(buildProgram(), ['offices', 'add']);
    expect(out).toMatch(/^Usage: hotline offices add \[options\]/);
    for (const o of [
      '--slug',
      '--name',
      '--country',
      '--leader-title',
      '--leader-name',
      '--time-zone',
      '--replaces',
    ]) {
      expect(out).toContain(o);
    }
  });

  it('names every option of offices update', () => {
    const out = helpText(buildProgram(), ['offices', 'update']);
    expect(out).toMatch(/^Usage: hotline offices update \[options\] <slug>/);
    for (const o of ['--name', '--country', '--leader-title', '--leader-name', '--time-zone'])
      expect(out).toContain(o);
  });

  it('names all five import formats, as the README does', () => {
    const out = helpText(buildProgram(), ['import']);
    expect(out).toMatch(/^Usage: hotline import \[options\] <kind> <path>/);
    for (const kind of ['mbox', 'eml', 'x', 'phone', 'csv'])
      expect(out).toMatch(new RegExp(`\\n  ${kind}\\s+\\S`));
    expect(out).toContain('--columns');
    expect(helpText(buildProgram(), [])).toMatch(/import .*mbox,\s+eml,\s+x,\s+phone\s+or\s+csv/);
  });
});

describe('the hotline program', () => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  let dataDir: string;
  beforeAll(async () => {
    cli = await buildCli();
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-cli-'));
  });
  afterAll(() => {
    cli?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ HOTLINE_DATA_DIR: dataDir });

  it('prints its help and exits 0', async () => {
    const r = await runCli(cli.path, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: hotline/);
  });

  it('exits with code 2 naming a bad HOTLINE_* variable, before doing anything', async () => {
    const port = await runCli(cli.path, ['migrate'], { ...env(), HOTLINE_PORT: 'eighty' });
    expect(port.code).toBe(2);
    expect(port.stderr).toBe(
      'hotline: HOTLINE_PORT: "eighty" is not a whole number; use an integer from 0 to 65535.\n',
    );
    const level = await runCli(cli.path, ['serve'], { ...env(), HOTLINE_LOG_LEVEL: 'loud' });
    expect(level.code).toBe(2);
    expect(level.stderr).toMatch(/^hotline: HOTLINE_LOG_LEVEL: .*loud/);
    const web = await runCli(cli.path, ['serve'], {
      ...env(),
      HOTLINE_WEB_DIR: join(dataDir, 'no-such-app'),
    });
    expect(web.code).toBe(2);
    expect(web.stderr).toMatch(/^hotline: HOTLINE_WEB_DIR: .*no-such-app has no index\.html/);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses to serve on a port another program holds, at once', async () => {
    const held = await new Promise<Server>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const a = held.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      const r = await runCli(cli.path, ['serve'], {
        ...env(),
        HOTLINE_PORT: String(port),
        HOTLINE_DEMO: '1',
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          `^hotline: port ${port} on 127\\.0\\.0\\.1 is already in use by another program; stop it or set HOTLINE_PORT`,
        ),
      );
      expect(readdirSync(dataDir)).toEqual([]);
    } finally {
      await new Promise((r) => held.close(r));
    }
  });

  it('migrates a fresh data folder, without keys, and then says it is up to date', async () => {
    const first = await runCli(cli.path, ['migrate'], env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(
      `Applied to PGlite at ${join(dataDir, 'db')}: ${Object.keys(migrations).join(', ')}\n`,
    );
    expect(existsSync(join(dataDir, 'keys'))).toBe(false);
    const again = await runCli(cli.path, ['migrate'], env());
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`PGlite at ${join(dataDir, 'db')} is up to date.\n`);
  }, 180_000);

  it('adds an office and invites its first person with a link that registers a passkey once', async () => {
    expect((await runCli(cli.path, ['keys', 'init'], env())).code).toBe(0);
    const office = await runCli(
      cli.path,
      [
        'offices',
        'add',
        '--slug',
        'de-chancellery',
        '--name',
        'Federal Chancellery of Germany',
        '--country',
        'DE',
        '--leader-title',
        'Chancellor',
        '--leader-name',
        'Friedrich Merz',
        '--time-zone',
        'Europe/Berlin',
      ],
      env(),
    );
    expect(office.stderr).toBe('');
    expect(office.stdout).toMatch(
      /^Office created: Federal Chancellery of Germany \(id [0-9a-f-]{36}\), vouched for by /,
    );
    // The operator is named as OS user@host.
    expect(office.stdout).toContain(`@${hostname()}.`);

    // A second office for the same government is refused, naming the first and the way to replace it.
    const addDe = (slug: string, ...extra: string[]) =>
      runCli(
        cli.path,
        [
          'offices',
          'add',
          '--slug',
          slug,
          '--name',
          'Office of the Chancellor of Germany',
          '--country',
          'DE',
          '--leader-title',
          'chancellor',
          '--leader-name',
          'Someone Else',
          '--time-zone',
          'Europe/Berlin',
          ...extra,
        ],
        env(),
      );
    const twin = await addDe('de-twin');
    expect(twin.code).not.toBe(0);
    expect(twin.stderr).toMatch(/already speaks for the Chancellor of DE.*--replaces de-chancellery/s);
    const updated = await runCli(
      cli.path,
      ['offices', 'update', 'de-chancellery', '--leader-name', 'Friedrich Merz II'],
      env(),
    );
    expect(updated.stderr).toBe('');
    expect(updated.stdout).toMatch(
      /^Office updated: Federal Chancellery of Germany: Chancellor Friedrich Merz II \(DE\), vouched for by /,
    );

    const badRoles = await runCli(
      cli.path,
      ['users', 'invite', '--office', 'de-chancellery', '--email', 'a@example.gov', '--name', 'Anna Schmidt'],
      env(),
    );
    expect(badRoles.code).not.toBe(0);
    expect(badRoles.stderr).toMatch(/required option '--title <title>' not specified/);

    const invited = await runCli(
      cli.path,
      [
        'users',
        'invite',
        '--office',
        'de-chancellery',
        '--email',
        'aide@example.gov',
        '--name',
        'Anna Schmidt',
        '--title',
        'Foreign Policy Adviser',
        '--roles',
        'staff,admin',
      ],
      env(),
    );
    expect(invited.stderr).toBe('');
    expect(invited.code).toBe(0);
    expect(invited.stdout).toMatch(
      /^Invited Anna Schmidt <aide@example\.gov> to Federal Chancellery of Germany as staff, admin\.\n/,
    );
    // users list opens the database alone (no keys or server modules): the invited person is there.
    const listed = await runCli(cli.path, ['users', 'list', '--office', 'de-chancellery'], env());
    expect(listed.stderr).toBe('');
    expect(listed.stdout).toMatch(
      /^OFFICE +NAME +EMAIL +ROLES +STATUS +TIME ZONE\nde-chancellery +Anna Schmidt +aide@example\.gov/,
    );
    const none = await runCli(cli.path, ['users', 'list', '--office', 'no-such-office'], env());
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no people in office "no-such-office"/);
    const link = /\n {2}(http:\/\/localhost:8080\/app\/invite\/([A-Za-z0-9_-]+))\n$/.exec(invited.stdout);
    expect(link).not.toBeNull();
    const token = link![2]!;

    // The link, opened by the person: their browser creates a passkey with the server's options.
    const cfg = envToConfig(readEnv({ HOTLINE_DATA_DIR: dataDir, HOTLINE_LOG_LEVEL: 'silent' }));
    const ctx = await AppContext.fromConfig(cfg, { logger: silentLogger() });
    try {
      const device = new SoftAuthenticator(cfg.publicUrl);
      const reg = await ctx.auth.registrationOptions(token);
      const session = await ctx.auth.verifyRegistration(
        reg.challengeId,
        token,
        device.register(reg.options as unknown as Record<string, unknown>),
      );
      expect(session.user).toMatchObject({
        email: 'aide@example.gov',
        status: 'active',
        roles: ['staff', 'admin'],
      });
      const second = await ctx.auth.registrationOptions(token).catch((e: unknown) => e);
      expect((second as HotlineError).code).toBe('invite_used');
      expect((second as Error).message).toMatch(/already been used/);
      const office = await ctx.db
        .selectFrom('offices')
        .selectAll()
        .where('slug', '=', 'de-chancellery')
        .executeTakeFirstOrThrow();
      expect(office.vouched_by).toMatch(new RegExp(`@${hostname()}$`));
      expect(office.leader_name).toBe('Friedrich Merz II');
    } finally {
      await ctx.close();
    }
  }, 240_000);
});
