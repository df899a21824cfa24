import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@hotline/common';
import { equalBytes, inspectKeyPackage, newArchiveKeyPair } from '@hotline/e2ee';
import type { AppContext } from '../context.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import { hotlineEntry } from '../witness/demo-witness.js';
import * as repo from './repository.js';

export interface DemoRecordsMembers {
  pids: number[];
  /** Resolves once every records member is published and running. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * The demo's archive key pair of an office: it stands for the records custodians' key
 * (<data>/demo-records-custodians/<office>/archive.key, mode 0600, holds the private half; the
 * server reads only archive.pub). Opening the archive needs archive.key.
 */
export async function demoArchivePublicKey(dataDir: string, officeId: string): Promise<Uint8Array> {
  const dir = join(dataDir, 'demo-records-custodians', officeId);
  const pub = join(dir, 'archive.pub');
  if (!existsSync(pub)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const kp = await newArchiveKeyPair();
    writeFileSync(
      join(dir, 'archive.key'),
      `${JSON.stringify({ kind: 'hotline-messaging-archive/1', officeId, privateKey: Buffer.from(kp.privateKey).toString('base64'), publicKey: Buffer.from(kp.publicKey).toString('base64') })}\n`,
      { mode: 0o600 },
    );
    writeFileSync(pub, `${Buffer.from(kp.publicKey).toString('base64')}\n`, { mode: 0o600 });
  }
  return new Uint8Array(Buffer.from(readFileSync(pub, 'utf8').trim(), 'base64'));
}

/** The records officer persona of each demo office: the one who publishes its records member. */
export async function demoRecordsOfficers(ctx: AppContext): Promise<Actor[]> {
  const rows = await repo.demoRecordsOfficerRows(ctx.db);
  const seen = new Set<string>();
  const out: Actor[] = [];
  for (const r of rows) {
    if (seen.has(r.office_id)) continue;
    seen.add(r.office_id);
    out.push({
      userId: r.id,
      officeId: r.office_id,
      roles: r.roles.filter(isRole),
      displayName: r.display_name,
    });
  }
  return out;
}

/**
 * Demo mode: one `hotline records-member` process per demo office, next to the server (as the
 * demo witness is). Each makes its own key in <data>/records-member/<office>/ (a file this
 * process never opens) and hands its public key package over the IPC channel; the server
 * publishes it as the office's records officer, with the office's demo archive public key. They
 * end with the server.
 */
export async function startDemoRecordsMembers(ctx: AppContext, url: string, logger: Logger) {
  return startRecordsMembers(ctx, await demoRecordsOfficers(ctx), url, logger);
}

/**
 * Start one `hotline records-member` process per office of these records officers; each
 * publishes its key package through the parent (as that officer) with the office's archive
 * public key (demoArchivePublicKey).
 */
export async function startRecordsMembers(
  ctx: AppContext,
  officers: readonly Actor[],
  url: string,
  logger: Logger,
  /** How to run the CLI (default: node packages/cli/dist/hotline.js); tests run the sources with tsx. */
  command: string[] = [process.execPath, hotlineEntry()],
  /** Aborted when the server stops while they are still being started: no more are spawned. */
  signal?: AbortSignal,
): Promise<DemoRecordsMembers> {
  const children: { child: ChildProcess; exited: Promise<unknown> }[] = [];
  let stopping = false;
  const readies: Promise<void>[] = [];
  for (const officer of officers) {
    if (signal?.aborted) break;
    const archiveKey = await demoArchivePublicKey(ctx.cfg.dataDir, officer.officeId);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(
      command[0]!,
      [
        ...command.slice(1),
        'records-member',
        '--office',
        officer.officeId,
        '--dir',
        join(ctx.cfg.dataDir, 'records-member', officer.officeId),
        '--url',
        url,
        '--from-parent',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    children.push({ child, exited });
    let output = '';
    child.stdout!.on('data', (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
      for (const line of b.toString().split('\n'))
        if (line.trim())
          logger.info({ office: officer.officeId, pid: child.pid }, `records member: ${line.trim()}`);
    });
    child.stderr!.on('data', (b: Buffer) => {
      output = (output + b.toString()).slice(-4000);
    });
    readies.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (m: { recordsMemberKeyPackage?: string }) => {
          if (!m.recordsMemberKeyPackage) return;
          void (async () => {
            try {
              const data = new Uint8Array(Buffer.from(m.recordsMemberKeyPackage!, 'base64'));
              const info = await inspectKeyPackage(data);
              const current = await ctx.messagingQueries.recordsKey(officer.officeId);
              const same =
                current &&
                equalBytes(new Uint8Array(current.signature_key), info.signatureKey) &&
                equalBytes(new Uint8Array(current.archive_public_key), archiveKey);
              if (!same)
                await ctx.messaging.publishRecordsMember(
                  officer,
                  m.recordsMemberKeyPackage!,
                  Buffer.from(archiveKey).toString('base64'),
                );
              child.send({ published: true });
              logger.info(
                { office: officer.officeId, pid: child.pid },
                'demo mode: a records member is running',
              );
              resolve();
            } catch (err) {
              child.send({ published: false, error: (err as Error).message });
              reject(err);
            }
          })();
        });
        void exited.then((code) => {
          if (!stopping) logger.error({ code, output }, 'a records-member process ended');
          reject(new Error(`the records member ended (exit code ${String(code)}): ${output.trim()}`));
        });
      }),
    );
  }
  const ready = Promise.all(readies).then(() => {});
  ready.catch(() => {});
  return {
    pids: children.map((c) => c.child.pid!),
    ready,
    async close() {
      stopping = true;
      await Promise.all(
        children.map(async ({ child, exited }) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
