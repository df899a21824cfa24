import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { CreateOfficeBody, InviteUserBody, UpdateOfficeBody } from '@hotline/contract';
import type { AppContext } from '@hotline/server';
import type { DatabaseHandle } from '@hotline/server/db';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { database, server } from '../lazy.js';

/** Run `fn` with a context; errors propagate after the context is closed. */
export async function usingContext(fn: (ctx: AppContext) => Promise<void>): Promise<void> {
  const cfg = loadConfig();
  const { AppContext, migrateToLatest } = await server();
  const ctx = await AppContext.fromConfig({ ...cfg, logLevel: 'warn' });
  try {
    await migrateToLatest(ctx.db);
    await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * Run `fn` with the database alone (no keys, services or HTTP modules loaded): for commands that
 * only read tables. Migrates first, as a context would; errors become a one-line message.
 */
export async function withDatabase(fn: (db: DatabaseHandle['db']) => Promise<void>): Promise<void> {
  try {
    const cfg = loadConfig();
    const { openDatabase, migrateToLatest } = await database();
    const handle = await openDatabase(
      cfg.databaseUrl ? { url: cfg.databaseUrl } : { pgliteDir: join(cfg.dataDir, 'db') },
    );
    try {
      await migrateToLatest(handle.db);
      await fn(handle.db);
    } finally {
      await handle.close();
    }
  } catch (err) {
    fail(err);
  }
}

/** Run `fn` with a context; any error becomes a one-line message and a non-zero exit. */
export async function withContext(fn: (ctx: AppContext) => Promise<void>): Promise<void> {
  try {
    await usingContext(fn);
  } catch (err) {
    fail(err);
  }
}

function parseOrFail<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
  flagFor: (k: string) => string,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const msgs = r.error.issues.map((i) => `${flagFor(String(i.path[0] ?? ''))}: ${i.message}`);
  fail(new Error(`invalid input:\n  ${msgs.join('\n  ')}`), 2);
}

/** The operator at the server's host, as the records name them: OS user@host. */
function operator(): { operator: string } {
  let user = process.env.SUDO_USER || '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= process.env.USER || 'unknown';
  }
  return { operator: `${user}@${hostname()}` };
}

const kebab = (k: string) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function adminCommands(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (serve does this too on start).')
    .addHelpText(
      'after',
      '\nUses DATABASE_URL when set, else the embedded database in HOTLINE_DATA_DIR (default ./data). Needs no keys.',
    )
    .action(async () => {
      const cfg = loadConfig();
      try {
        const { migrateToLatest, openDatabase } = await server();
        // Only the database: a fresh deployment can migrate before "hotline keys init".
        const database = await openDatabase(
          cfg.databaseUrl ? { url: cfg.databaseUrl } : { pgliteDir: join(cfg.dataDir, 'db') },
        );
        try {
          const applied = await migrateToLatest(database.db);
          process.stdout.write(
            applied.length
              ? `Applied to ${database.describe}: ${applied.join(', ')}\n`
              : `${database.describe} is up to date.\n`,
          );
        } finally {
          await database.close();
        }
      } catch (err) {
        fail(err);
      }
    });

  const offices = program
    .command('offices')
    .description(
      'Manage offices. Only the operator on the server host may: an office speaks for a government, and the app names who vouched for it.',
    );
  offices
    .command('add')
    .description(
      "Add an office (an organization such as a head of government's office), vouched for by you (your OS user@host).",
    )
    .requiredOption('--slug <slug>', 'short id, e.g. de-bundeskanzler')
    .requiredOption('--name <name>', 'e.g. "Office of the Federal Chancellor of Germany"')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2, e.g. DE')
    .requiredOption('--leader-title <title>', 'e.g. Chancellor')
    .requiredOption('--leader-name <name>', 'e.g. "Friedrich Merz"')
    .requiredOption('--time-zone <tz>', 'IANA zone, e.g. Europe/Berlin')
    .option(
      '--replaces <slug>',
      'the office in force for the same country and leader title that this one replaces (it is retired)',
    )
    .action((opts: Record<string, string>) =>
      withContext(async (ctx) => {
        const { replaces, ...rest } = opts;
        const input = parseOrFail(CreateOfficeBody, rest, kebab);
        const office = await ctx.identity.createOffice(operator(), input, replaces ? { replaces } : {});
        process.stdout.write(
          `Office created: ${office.name} (id ${office.id}), vouched for by ${office.vouchedBy}.\n` +
            (replaces ? `It replaces ${replaces}, now retired.\n` : '') +
            `Invite its first administrator: hotline users invite --office ${office.slug} --roles admin ...\n`,
        );
      }),
    );
  offices
    .command('update')
    .description("Change an office's name, leader, country, title or time zone; you vouch for it anew.")
    .argument('<slug>', 'the office to change')
    .option('--name <name>', 'its name')
    .option('--country <code>', 'ISO 3166-1 alpha-2, e.g. DE')
    .option('--leader-title <title>', 'e.g. Chancellor')
    .option('--leader-name <name>', 'e.g. "Friedrich Merz"')
    .option('--time-zone <tz>', 'IANA zone, e.g. Europe/Berlin')
    .action((slug: string, opts: Record<string, string>) =>
      withContext(async (ctx) => {
        const input = parseOrFail(UpdateOfficeBody, opts, kebab);
        const office = await ctx.identity.updateOffice(operator(), slug, input);
        process.stdout.write(
          `Office updated: ${office.name}: ${office.leaderTitle} ${office.leaderName} (${office.country}), vouched for by ${office.vouchedBy}.\n`,
        );
      }),
    );

  const users = program.command('users').description('Manage users.');
  users
    .command('list')
    .description('List the people of every office (or one): office, name, email, roles, status, time zone.')
    .option('--office <slug>', 'only this office')
    .option('--json', 'one JSON array instead of a table')
    .action((opts: { office?: string; json?: boolean }) =>
      withDatabase(async (db) => {
        let q = db
          .selectFrom('users')
          .innerJoin('offices', 'offices.id', 'users.office_id')
          .select([
            'offices.slug as office',
            'users.display_name as name',
            'users.email',
            'users.roles',
            'users.status',
            'users.time_zone as timeZone',
          ])
          .orderBy('offices.slug')
          .orderBy('users.display_name');
        if (opts.office) q = q.where('offices.slug', '=', opts.office);
        const rows = await q.execute();
        if (opts.office && !rows.length)
          fail(new Error(`no people in office "${opts.office}" (is the slug right? see the web app)`), 2);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        const table = [
          ['OFFICE', 'NAME', 'EMAIL', 'ROLES', 'STATUS', 'TIME ZONE'],
          ...rows.map((r) => [r.office, r.name, r.email, r.roles.join(','), r.status, r.timeZone]),
        ];
        const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        for (const row of table)
          process.stdout.write(
            `${row
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd()}\n`,
          );
      }),
    );
  users
    .command('invite')
    .description('Invite a person: creates the user and prints a one-time registration link.')
    .requiredOption('--office <slug-or-id>', 'the office they belong to')
    .requiredOption('--email <email>', 'their email address')
    .requiredOption('--name <name>', 'their display name')
    .requiredOption('--title <title>', 'their job title')
    .requiredOption(
      '--roles <roles>',
      'comma-separated: principal,staff,reviewer,secretariat,notetaker,press,records,liaison,admin',
    )
    .option('--time-zone <tz>', "IANA zone (default: the office's)")
    .action((opts: Record<string, string>) =>
      withContext(async (ctx) => {
        const office = await ctx.db
          .selectFrom('offices')
          .selectAll()
          .where((eb) =>
            eb.or([
              eb('slug', '=', opts.office!),
              eb(
                'id',
                '=',
                /^[0-9a-f-]{36}$/i.test(opts.office!) ? opts.office! : '00000000-0000-0000-0000-000000000000',
              ),
            ]),
          )
          .executeTakeFirst();
        if (!office)
          fail(
            new Error(
              `no office "${opts.office}"; list them in the web app or add one with "hotline offices add".`,
            ),
            2,
          );
        const input = parseOrFail(
          InviteUserBody,
          {
            officeId: office.id,
            email: opts.email,
            displayName: opts.name,
            title: opts.title,
            timeZone: opts.timeZone ?? office.time_zone,
            roles: (opts.roles ?? '')
              .split(',')
              .map((r) => r.trim())
              .filter(Boolean),
          },
          (k) => ({ displayName: '--name', officeId: '--office' })[k] ?? kebab(k),
        );
        const r = await ctx.identity.invite(null, input);
        process.stdout.write(
          `Invited ${r.user.displayName} <${r.user.email}> to ${office.name} as ${r.user.roles.join(', ')}.\n` +
            `One-time link (valid until ${r.expiresAt.toISOString()}):\n  ${ctx.cfg.publicUrl}/app/invite/${r.token}\n`,
        );
      }),
    );
}
