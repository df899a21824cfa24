import type { Page, Route } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, withMessagingDevices } from './harness.js';

/**
 * Issue 16, "two Commits for one epoch" in Chromium: two people, each in their own browser, add
 * someone to the same conversation at the same moment. Both Commits are held at the network until
 * both are on their way, so they are built on the same epoch; the server accepts one and answers
 * 409 to the other, whose client applies the winner's Commit and makes its change again. Both end
 * in the same epoch with the same roster (both added people in it), and what is sent next
 * decrypts on both.
 */

/** The page's messaging client (packages/web/src/messages/client.ts), the parts used here. */
interface PageClient {
  createConversation(personIds: string[]): Promise<string>;
  addMembers(groupId: string, personIds: string[]): Promise<void>;
  send(groupId: string, text: string): Promise<void>;
  sync(groupIds?: string[]): Promise<void>;
  hasGroup(id: string): boolean;
  items(groupId: string): { kind: string; text: string }[];
  roster(groupId: string): { leafIndex: number; identity: unknown }[];
  directoryPeople(): { personId: string; name: string }[];
  sessions: Map<string, { state: { groupContext: { epoch: bigint } } }>;
}
type WithClient = Window & { hotlineMessaging?: PageClient };

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const COMMITS = /\/api\/v1\/messaging\/groups\/[0-9a-f-]{36}\/commits$/;

describe('two Commits for one epoch, from two browsers', () => {
  const e2e = withMessagingDevices();
  const { problems } = e2e;

  async function device(name: string): Promise<Page> {
    const page = await e2e.signIn(name);
    await poll(() => page.evaluate(() => (window as WithClient).hotlineMessaging !== undefined)).toBe(true);
    return page;
  }

  const personId = (page: Page, name: string) =>
    page.evaluate(
      (n) => (window as WithClient).hotlineMessaging!.directoryPeople().find((p) => p.name === n)!.personId,
      name,
    );

  /** The epoch and roster as this device's MLS state has them. */
  const view = (page: Page, groupId: string) =>
    page.evaluate((id) => {
      const c = (window as WithClient).hotlineMessaging!;
      return {
        epoch: String(c.sessions.get(id)?.state.groupContext.epoch),
        roster: c.roster(id).map((e) => `${e.leafIndex} ${JSON.stringify(e.identity)}`),
      };
    }, groupId);

  it('the server takes one, the other re-applies its change; both agree and read what follows', async () => {
    const margaret = await device('Margaret Ellison');
    const genevieve = await device('Geneviève Tremblay');
    // The two to be added sign in once, so their devices have key packages to claim.
    await device('Linda Park');
    await device('Arjun Mehta');

    const genevieveId = await personId(margaret, 'Geneviève Tremblay');
    const lindaId = await personId(margaret, 'Linda Park');
    const arjunId = await personId(genevieve, 'Arjun Mehta');
    const groupId = await margaret.evaluate(
      (id) => (window as WithClient).hotlineMessaging!.createConversation([id]),
      genevieveId,
    );
    await poll(() =>
      genevieve.evaluate((id) => {
        const c = (window as WithClient).hotlineMessaging!;
        return c.sync().then(() => c.hasGroup(id));
      }, groupId),
    ).toBe(true);
    await poll(async () => JSON.stringify(await view(genevieve, groupId))).toBe(
      JSON.stringify(await view(margaret, groupId)),
    );
    const start = Number((await view(margaret, groupId)).epoch);

    // Each browser's Commit is held until the other's is also on its way: both are for one epoch.
    const held: Route[] = [];
    let bothHeld!: () => void;
    const together = new Promise<void>((resolve) => {
      bothHeld = resolve;
    });
    const hold = async (route: Route) => {
      if (held.length >= 2) return route.continue(); // the loser's second try
      held.push(route);
      if (held.length === 2) bothHeld();
      await together;
      await route.continue();
    };
    const statuses: number[] = [];
    for (const page of [margaret, genevieve]) {
      await page.route(COMMITS, hold);
      page.on('response', (r) => {
        if (COMMITS.test(new URL(r.url()).pathname) && r.request().method() === 'POST')
          statuses.push(r.status());
      });
    }
    await Promise.all([
      margaret.evaluate(
        ([g, p]) => (window as WithClient).hotlineMessaging!.addMembers(g!, [p!]),
        [groupId, lindaId],
      ),
      genevieve.evaluate(
        ([g, p]) => (window as WithClient).hotlineMessaging!.addMembers(g!, [p!]),
        [groupId, arjunId],
      ),
    ]);
    // One Commit taken, one refused (409), then the loser's again, on the next epoch.
    expect(statuses.sort()).toEqual([201, 201, 409]);

    // Both reach the same epoch (two past the start) and the same roster, with both added people.
    await poll(async () => JSON.stringify(await view(genevieve, groupId))).toBe(
      JSON.stringify(await view(margaret, groupId)),
    );
    const final = await view(margaret, groupId);
    expect(Number(final.epoch)).toBe(start + 2);
    expect(final.roster.some((r) => r.includes(lindaId))).toBe(true);
    expect(final.roster.some((r) => r.includes(arjunId))).toBe(true);

    // What each sends now decrypts on the other (live, no reload), and the screen shows it.
    const texts = {
      margaret: `after the race, from Margaret ${RUN}`,
      genevieve: `and from Geneviève ${RUN}`,
    };
    await margaret.evaluate(
      ([g, t]) => (window as WithClient).hotlineMessaging!.send(g!, t!),
      [groupId, texts.margaret],
    );
    await genevieve.evaluate(
      ([g, t]) => (window as WithClient).hotlineMessaging!.send(g!, t!),
      [groupId, texts.genevieve],
    );
    const itemsOf = (page: Page) =>
      page.evaluate((id) => (window as WithClient).hotlineMessaging!.items(id).map((i) => i.text), groupId);
    for (const page of [margaret, genevieve])
      await poll(async () => {
        const items = await itemsOf(page);
        return items.includes(texts.margaret) && items.includes(texts.genevieve);
      }).toBe(true);
    expect((await itemsOf(genevieve)).filter((t) => /unreadable|could not be decrypted/.test(t))).toEqual([]);
    await genevieve.goto(`${e2e.server.url}/app/messages/${groupId}`);
    await poll(() => genevieve.getByText(texts.margaret).isVisible()).toBe(true);
    // Each side sees both additions, the loser's one after the winner's.
    await poll(() => genevieve.getByText(/added Linda Park/).isVisible()).toBe(true);
    await poll(() => genevieve.getByText(/added Arjun Mehta/).isVisible()).toBe(true);
    expect(await axeViolations(genevieve)).toEqual([]);
    for (const p of problems) expect(p).toEqual([]);
  }, 240_000);
});
