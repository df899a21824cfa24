/**
 * The "Verify this readout" button on public readout pages (a second entry of the web
 * package's Vite build, served at /public/verify.js).
 * It checks, in the browser: the log's signed checkpoint, the inclusion proof of the readout's
 * entry built from the log's tiles, that the entry is the commitment the page's salt and
 * envelope open ("hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope)), that the envelope is this
 * readout's record, and that the text on the page hashes to the envelope's content digest.
 */
import {
  type CosignedCheckpoint,
  fromHex,
  httpFetcher,
  isLeafCommitment,
  keyFingerprint,
  LogClient,
  openCosignedCheckpoint,
  opensLeaf,
  parseCosignerVerifierKey,
  parsePinnedKeys,
  parseVerifierKey,
  parseWitnessPolicy,
  toHex,
} from '@hotline/ledger';

/** Keys a reader pins: from the link's fragment, or kept in this browser (the setting). */
interface Pins {
  log?: string;
  witnesses: string[];
  quorum?: number;
}

const PIN_STORE = 'hotline.verify.pinnedKeys';

/**
 * The setting's text: `log <key>`, `witness <key>` (or a policy line `witness <name> <key> [url]`),
 * `quorum <n>`; '#' starts a comment. Throws naming the line that is wrong.
 */
function parsePinText(text: string): Pins {
  const out: Pins = { witnesses: [] };
  text.split('\n').forEach((raw, i) => {
    const parts = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (!parts.length) return;
    const where = `line ${i + 1}`;
    if (parts[0] === 'quorum' && parts.length === 2 && /^[1-9]\d*$/.test(parts[1]!))
      out.quorum = Number(parts[1]);
    else if (parts[0] === 'log' && parts.length === 2)
      out.log = checkedKey(parts[1]!, where, parseVerifierKey);
    else if (parts[0] === 'witness' && parts.length >= 2) {
      const key = parts.slice(1).find((p) => p.includes('+'));
      if (!key) throw new Error(`${where}: no key (name+id+base64) after "witness"`);
      out.witnesses.push(checkedKey(key, where, parseCosignerVerifierKey));
    } else throw new Error(`${where}: expected "log <key>", "witness <key>" or "quorum <n>"`);
  });
  if (!out.log && !out.witnesses.length) throw new Error('no "log" or "witness" key given');
  return out;
}

function checkedKey(vkey: string, where: string, parse: (vkey: string) => unknown): string {
  try {
    parse(vkey);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
  return vkey;
}

function storedPinText(): string | null {
  try {
    return localStorage.getItem(PIN_STORE);
  } catch {
    return null;
  }
}

/** The pins in force: the link's fragment first, else this browser's setting. */
function activePins(): { pins: Pins; source: string } | null {
  const fromLink = parsePinnedKeys(location.hash);
  if (fromLink.log || fromLink.witnesses.length) return { pins: fromLink, source: 'the link' };
  const text = storedPinText();
  if (text) return { pins: parsePinText(text), source: "this browser's settings" };
  return null;
}

const vkeyName = (vkey: string) => vkey.split('+')[0]!;

/** Refuse when the keys this site gives differ from pinned ones (the log's, or a pinned witness's). */
function assertPinsMatch(
  pins: Pins,
  source: string,
  site: { verifierKey: string; witnesses?: { name: string; vkey: string }[] },
): void {
  if (pins.log && pins.log !== site.verifierKey)
    throw new Error(
      `this site gives the log key ${site.verifierKey} (fingerprint ${keyFingerprint(site.verifierKey)}), not the one pinned in ${source} (fingerprint ${keyFingerprint(pins.log)}). Do not trust this page.`,
    );
  for (const w of pins.witnesses) {
    const other = (site.witnesses ?? []).find((x) => vkeyName(x.vkey) === vkeyName(w) && x.vkey !== w);
    if (other)
      throw new Error(
        `this site names witness ${vkeyName(w)} with key fingerprint ${keyFingerprint(other.vkey)}, not the one pinned in ${source} (fingerprint ${keyFingerprint(w)}). Do not trust this page.`,
      );
  }
}

async function sha256Hex(s: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s));
  return toHex(new Uint8Array(d));
}

/**
 * "November 20, 2026, 8:30 p.m. EST": the form of the public pages' other times (server
 * readouts-site dateLine), in the host office's zone. Kept here, not imported from the staff
 * app's time.ts: this script is its own bundle and must not pull in a chunk of the app.
 */
function cosignedAt(ms: number, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const p = (t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const hour = Number(p('hour'));
  return `${p('month')} ${p('day')}, ${p('year')}, ${hour % 12 || 12}:${p('minute')} ${hour < 12 ? 'a.m.' : 'p.m.'} ${p('timeZoneName')}`;
}

function show(out: HTMLElement, ok: boolean, text: string) {
  out.textContent = text;
  out.className = ok ? 'ok' : 'bad';
}

async function verify() {
  const section = document.getElementById('verify')!;
  const out = document.getElementById('verify-result')!;
  const details = document.getElementById('verify-details')!;
  const index = Number(section.dataset.index);
  const recordId = section.dataset.record!;
  // An attribute value is entity-decoded by the browser: these are the exact committed bytes.
  const content = section.dataset.content ?? '';
  const envelope = section.dataset.envelope ?? '';
  const saltHex = section.dataset.salt ?? '';
  // The host office's zone: the page's other times are in it.
  const zone = section.dataset.zone || 'UTC';
  out.textContent = 'Checking…';
  out.className = '';
  try {
    const key = (await (await fetch('/api/v1/log/key')).json()) as {
      origin: string;
      verifierKey: string;
      witnesses?: { name: string; vkey: string }[];
    };
    const active = activePins();
    const pins: Pins = active?.pins ?? { witnesses: [] };
    const pinnedIn = active?.source ?? '';
    assertPinsMatch(pins, pinnedIn, key);
    const logKey = pins.log ?? key.verifierKey;
    const origin = pins.log ? parseVerifierKey(pins.log).name : key.origin;
    const client = new LogClient(httpFetcher(new URL('/log/', location.href).href), logKey, origin);
    const { checkpoint, note } = await client.checkpoint();
    const witnessKeys = pins.witnesses.length
      ? pins.witnesses.map((vkey, i) => ({ name: `pinned${i + 1}`, vkey }))
      : (key.witnesses ?? []);
    let witnessed: CosignedCheckpoint | null = null;
    if (witnessKeys.length) {
      const k = pins.witnesses.length ? (pins.quorum ?? pins.witnesses.length) : 0;
      const policy = parseWitnessPolicy(
        witnessKeys.map((w) => `witness ${w.name} ${w.vkey}\n`).join('') +
          (k
            ? `group pinned ${Math.min(k, witnessKeys.length)} ${witnessKeys.map((w) => w.name).join(' ')}\nquorum pinned\n`
            : 'quorum none\n'),
      );
      witnessed = openCosignedCheckpoint(note, [client.verifier], policy, origin);
      if (!witnessed.quorum)
        throw new Error(
          `the checkpoint is not cosigned by ${k} of the ${witnessKeys.length} witness key(s) pinned in ${pinnedIn}`,
        );
    }
    const { entry, proof } = await client.proveInclusion(index, checkpoint);
    if (!isLeafCommitment(entry)) throw new Error(`log entry ${index} is not a hotline-leaf/v2 commitment`);
    if (!/^[0-9a-f]{64}$/.test(saltHex) || !envelope)
      throw new Error('this page does not disclose the salt and envelope that open its log entry');
    if (!opensLeaf(entry, fromHex(saltHex), new TextEncoder().encode(envelope)))
      throw new Error(`log entry ${index} is not the commitment to this page's record envelope`);
    const env = JSON.parse(envelope) as { id: string; kind: string; at: string; digest: string };
    if (env.id !== recordId)
      throw new Error(`log entry ${index} is record ${env.id}, not this readout's record ${recordId}`);
    const digest = await sha256Hex(content);
    if (digest !== env.digest)
      throw new Error('the text on this page does not match what the log committed to');
    show(
      out,
      true,
      `Verified: this readout is entry ${index} of the log, included in the signed checkpoint of ${checkpoint.size} entries${witnessed?.cosigners.length ? `, cosigned by ${witnessed.cosigners.length} witness${witnessed.cosigners.length > 1 ? 'es' : ''}` : ''}, and its text is unchanged.`,
    );
    details.hidden = false;
    details.innerHTML = '';
    for (const [k, v] of [
      ['Log', checkpoint.origin],
      ['Checkpoint size', String(checkpoint.size)],
      ['Root hash', toHex(checkpoint.root)],
      ['Record', `${env.kind} ${env.id}`],
      ['Recorded at', env.at],
      ['Leaf commitment', toHex(entry)],
      ['Content SHA-256', env.digest],
      ['Proof length', `${proof.length} hashes`],
      [
        'Verifier key',
        `${logKey}; key fingerprint ${keyFingerprint(logKey)} (${pins.log ? `pinned in ${pinnedIn}` : 'as this site gives it; pin it below or with #log=…'})`,
      ],
      ...(witnessed
        ? witnessKeys.map((w) => {
            const c = witnessed.cosigners.find((x) => x.vkey === w.vkey);
            return [
              `Witness ${vkeyName(w.vkey)}`,
              `${c ? `cosigned${c.time !== null ? ` at ${cosignedAt(c.time * 1000, zone)}` : ''}` : 'did NOT cosign'}; key fingerprint ${keyFingerprint(w.vkey)}${pins.witnesses.length ? ` (pinned in ${pinnedIn})` : ' (as this site gives it)'}`,
            ];
          })
        : [['Witnesses', 'none named; this checkpoint is signed by the log alone']]),
    ]) {
      const dt = document.createElement('dt');
      dt.textContent = k!;
      const dd = document.createElement('dd');
      dd.textContent = v!;
      details.append(dt, dd);
    }
  } catch (err) {
    show(out, false, `Not verified: ${(err as Error).message}`);
  }
}

function wirePinSetting(): void {
  const text = document.getElementById('verify-pins-text') as HTMLTextAreaElement | null;
  const status = document.getElementById('verify-pins-status');
  if (!text || !status) return;
  text.value = storedPinText() ?? '';
  document.getElementById('verify-pins-save')?.addEventListener('click', () => {
    try {
      const pins = parsePinText(text.value);
      localStorage.setItem(PIN_STORE, text.value.trim());
      show(
        status as HTMLElement,
        true,
        `Saved: ${pins.log ? 'the log key' : 'no log key'} and ${pins.witnesses.length} witness key${pins.witnesses.length === 1 ? '' : 's'}${pins.quorum ? `, quorum ${pins.quorum}` : ''}. A link's own keys (#log=…) take precedence.`,
      );
    } catch (err) {
      show(status as HTMLElement, false, `Not saved: ${(err as Error).message}`);
    }
  });
  document.getElementById('verify-pins-clear')?.addEventListener('click', () => {
    try {
      localStorage.removeItem(PIN_STORE);
    } catch {
      // nothing was kept
    }
    text.value = '';
    show(status as HTMLElement, true, 'Forgotten: the check uses the keys this site gives.');
  });
}

wirePinSetting();
document.getElementById('verify-button')?.addEventListener('click', () => void verify());
