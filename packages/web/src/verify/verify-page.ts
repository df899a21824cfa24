/**
 * The "Verify this readout" button on public readout pages (a second entry of the web
 * package's Vite build, served at /public/verify.js).
 * It checks, in the browser: the log's signed checkpoint, the inclusion proof of the readout's
 * entry built from the log's tiles, that the entry is the commitment the page's salt and
 * envelope open ("hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope)), that the envelope is this
 * readout's record, and that the text on the page hashes to the envelope's content digest.
 */
import { fromHex, httpFetcher, isLeafCommitment, LogClient, opensLeaf, toHex } from '@hotline/ledger';

async function sha256Hex(s: string): Promise<string> {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s));
  return toHex(new Uint8Array(d));
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
  out.textContent = 'Checking…';
  out.className = '';
  try {
    const key = (await (await fetch('/api/v1/log/key')).json()) as { origin: string; verifierKey: string };
    const client = new LogClient(
      httpFetcher(new URL('/log/', location.href).href),
      key.verifierKey,
      key.origin,
    );
    const { checkpoint } = await client.checkpoint();
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
      `Verified: this readout is entry ${index} of the log, included in the signed checkpoint of ${checkpoint.size} entries, and its text is unchanged.`,
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
      ['Verifier key', key.verifierKey],
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

document.getElementById('verify-button')?.addEventListener('click', () => void verify());
