import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, freePort, poll, watchConsole } from './harness.js';
import { connectedTo, launchRtcBrowser, pageAudio, rising, sleep } from './rtc/rtc-harness.js';

/**
 * Two Hotline processes (the real CLI) on one PostgreSQL behind nginx: a three-person in-app
 * call whose participants' sockets land on different nodes, then one node killed with SIGKILL
 * mid-call and its peer resuming through the other. Needs TEST_DATABASE_URL and nginx
 * (.ci/run installs Debian's).
 */
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const adminUrl = process.env.TEST_DATABASE_URL;
const root = join(import.meta.dirname, '..');

function nginxConfig(dir: string, port: number, nodes: number[]): string {
  const servers = nodes.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  return `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  # Requests go round-robin to every node.
  upstream hotline {
${servers}
  }
  # Long-lived call sockets go to the node holding fewer of them.
  upstream hotline_live {
    least_conn;
${servers}
  }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${port};
    location /api/v1/live {
      proxy_pass http://hotline_live;
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://hotline;
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
}

interface Node {
  id: string;
  port: number;
  proc: ChildProcess;
  output: string[];
}

describe.skipIf(!adminUrl || !NGINX)('two Hotline nodes behind nginx on one PostgreSQL', () => {
  const dbName = `hotline_e2e_${randomBytes(4).toString('hex')}`;
  const tmp = mkdtempSync(join(tmpdir(), 'hotline-multinode-'));
  let dbUrl: string;
  let nginx: ChildProcess | null = null;
  let lbUrl: string;
  const nodes: Node[] = [];
  let db: pg.Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];

  async function startNode(id: string, lbPort: number): Promise<Node> {
    const port = await freePort();
    const output: string[] = [];
    const proc = spawn(process.execPath, [join(root, 'packages/cli/dist/hotline.js'), 'serve'], {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: dbUrl,
        HOTLINE_PORT: String(port),
        HOTLINE_HOST: '127.0.0.1',
        HOTLINE_DATA_DIR: join(tmp, 'data'),
        HOTLINE_PUBLIC_URL: `http://localhost:${lbPort}`,
        HOTLINE_DEMO: '1',
        HOTLINE_NODE_ID: id,
        HOTLINE_TRUST_PROXY: '127.0.0.1',
        HOTLINE_AUTH_RATE_LIMIT: '1000',
        HOTLINE_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => output.push(String(d)));
    proc.stderr?.on('data', (d) => output.push(String(d)));
    const node = { id, port, proc, output };
    nodes.push(node);
    for (let i = 0; i < 120; i++) {
      if (proc.exitCode !== null) throw new Error(`node ${id} exited: ${output.join('')}`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) return node;
      await sleep(500);
    }
    throw new Error(`node ${id} did not become ready: ${output.join('')}`);
  }

  async function openAs(name: string, callId: string): Promise<Page> {
    const context = await browser.newContext({ timezoneId: 'America/New_York' });
    contexts.push(context);
    await context.addInitScript(() => {
      window.__pcs = [];
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          window.__pcs.push(this);
        }
      };
    });
    const page = await context.newPage();
    problems.push(...watchConsole(page));
    await page.goto(`${lbUrl}/app/sign-in`);
    await page.getByRole('button', { name: new RegExp(`Sign in as ${name}`) }).click();
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.goto(`${lbUrl}/app/calls/${callId}`);
    await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
    return page;
  }

  async function peerRows(callId: string) {
    const r = await db.query<{ peer_id: string; user_id: string; node_id: string }>(
      'select peer_id, user_id, node_id from live_peers where call_id = $1 order by user_id',
      [callId],
    );
    return r.rows;
  }

  beforeAll(async () => {
    buildOnce();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(adminUrl!);
    u.pathname = `/${dbName}`;
    dbUrl = u.toString();
    db = new pg.Client({ connectionString: dbUrl });
    await db.connect();

    const lbPort = await freePort();
    lbUrl = `http://localhost:${lbPort}`;
    // One after the other: the first creates the schema, the demo world and the shared keys.
    await startNode('node-a', lbPort);
    await startNode('node-b', lbPort);
    writeFileSync(
      join(tmp, 'nginx.conf'),
      nginxConfig(
        tmp,
        lbPort,
        nodes.map((n) => n.port),
      ),
    );
    nginx = spawn(NGINX!, ['-c', join(tmp, 'nginx.conf'), '-p', tmp, '-g', 'daemon off;'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    nginx.stderr?.on('data', (d) => problems.push(`nginx: ${d}`));
    for (let i = 0; i < 40; i++) {
      if (
        await fetch(`${lbUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(250);
    }
    browser = await launchRtcBrowser();
  });

  afterAll(async () => {
    for (const n of nodes) if (n.output.length) console.log(`--- ${n.id}\n${n.output.join('').slice(-4000)}`);
    if (problems.length) console.log(`--- browser and nginx\n${problems.join('\n').slice(-4000)}`);
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    nginx?.kill('SIGTERM');
    for (const n of nodes) if (n.proc.exitCode === null) n.proc.kill('SIGTERM');
    await sleep(1000);
    for (const n of nodes) if (n.proc.exitCode === null) n.proc.kill('SIGKILL');
    await db?.end().catch(() => undefined);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('answers from both nodes, round-robin (X-Hotline-Node)', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++)
      seen.add((await fetch(`${lbUrl}/healthz`)).headers.get('x-hotline-node') ?? '');
    expect([...seen].sort()).toEqual(['node-a', 'node-b']);
  });

  it('carries a three-person call across both nodes, and survives one node killed mid-call', async () => {
    // The demo's briefed in-app call between the US President and the President of France,
    // the US note-taker listening; its window opened (ten minutes before the start).
    const { rows } = await db.query<{ id: string }>(
      "select id from calls where state = 'briefed' and channel = 'hotline' limit 1",
    );
    const callId = rows[0]!.id;
    await db.query("update calls set scheduled_start = now() + interval '10 minutes' where id = $1", [
      callId,
    ]);
    const users = (await db.query<{ id: string; display_name: string }>('select id, display_name from users'))
      .rows;
    const idOf = (name: string) => users.find((u) => u.display_name.includes(name))!.id;
    const [trumpId, macronId, whitakerId] = [idOf('Trump'), idOf('Macron'), idOf('Whitaker')];

    const potus = await openAs('Donald J. Trump', callId);
    const macron = await openAs('Emmanuel Macron', callId);
    const notetaker = await openAs('James Whitaker', callId);
    for (const p of [potus, macron, notetaker]) {
      await p.locator('[data-testid="join"]').click();
      await poll(async () => (await peerRows(callId)).length).toBeGreaterThan(0);
    }
    await poll(async () => (await peerRows(callId)).length).toBe(3);
    const before = await peerRows(callId);
    const onNode = new Map(before.map((r) => [r.user_id, r.node_id]));
    // The participants' sockets are on different nodes.
    expect(new Set(onNode.values()).size).toBe(2);

    await connectedTo(potus, [macronId, whitakerId]);
    await connectedTo(macron, [trumpId, whitakerId]);
    await connectedTo(notetaker, [trumpId, macronId]);
    await sleep(1500);
    const [a0, a1] = await rising(potus, macronId);
    expect(a1).toBeGreaterThan(a0);
    const [b0, b1] = await rising(macron, trumpId);
    expect(b1).toBeGreaterThan(b0);
    const heard = await pageAudio(notetaker);
    expect(heard.inbound.filter((i) => i.totalAudioEnergy > 0).length).toBe(2);
    expect(heard.outboundBytes).toBe(0);

    // Kill the node holding exactly one of the three sockets, with no goodbye.
    const counts = new Map<string, number>();
    for (const n of onNode.values()) counts.set(n, (counts.get(n) ?? 0) + 1);
    const victimNode = [...counts].find(([, c]) => c === 1)![0];
    const victimUser = [...onNode].find(([, n]) => n === victimNode)![0];
    const survivor = nodes.find((n) => n.id !== victimNode)!;
    nodes.find((n) => n.id === victimNode)!.proc.kill('SIGKILL');

    // Its peer resumes through nginx on the other node: same peer id, now on the survivor.
    const victimPeer = before.find((r) => r.user_id === victimUser)!.peer_id;
    await expect
      .poll(async () => (await peerRows(callId)).find((r) => r.peer_id === victimPeer)?.node_id, {
        timeout: 20_000,
        interval: 100,
      })
      .toBe(survivor.id);
    const after = await peerRows(callId);
    expect(after.map((r) => r.peer_id).sort()).toEqual(before.map((r) => r.peer_id).sort());
    expect(new Set(after.map((r) => r.node_id))).toEqual(new Set([survivor.id]));

    // The call goes on: audio still flows both ways between the principals, nobody left.
    const victimPage = victimUser === trumpId ? potus : victimUser === macronId ? macron : notetaker;
    await connectedTo(
      victimPage,
      [trumpId, macronId, whitakerId].filter((u) => u !== victimUser),
    );
    const [c0, c1] = await rising(potus, macronId);
    expect(c1).toBeGreaterThan(c0);
    const [d0, d1] = await rising(macron, trumpId);
    expect(d1).toBeGreaterThan(d0);
    const log = await db.query<{ kind: string }>(
      'select kind from call_log_entries where call_id = $1 order by at',
      [callId],
    );
    expect(log.rows.filter((r) => r.kind === 'left')).toEqual([]);
  });
});
