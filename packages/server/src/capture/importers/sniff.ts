import { closeSync, openSync, readSync } from 'node:fs';

/**
 * What a file looks like from its first bytes, and which import fits it: for refusals that say
 * more than "wrong format" when a file is given to the wrong importer.
 */
export function sniff(path: string): { looksLike: string; command: string | null } {
  const head = Buffer.alloc(512);
  let n = 0;
  const fd = openSync(path, 'r');
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const b = head.subarray(0, n);
  const s = b.toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  if (n === 0) return { looksLike: 'an empty file', command: null };
  if (b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04)
    return { looksLike: 'a zip archive', command: 'hotline import x (an X archive .zip)' };
  if (s.startsWith('From '))
    return { looksLike: 'an mbox (messages after "From " separator lines)', command: 'hotline import mbox' };
  if (/^\s*<\?xml|^\s*<(smses|calls)\b/.test(s))
    return { looksLike: 'an XML file (an "SMS Backup & Restore" export?)', command: 'hotline import phone' };
  if (/^window\.YTD\./.test(s))
    return {
      looksLike: "an X archive's tweets.js",
      command: 'hotline import x (the archive, not one file in it)',
    };
  if (/^[!-9;-~]+:[^\n]*\r?\n/.test(s))
    return { looksLike: 'a single email message', command: 'hotline import eml' };
  if (b.some((c) => c < 9 || (c > 13 && c < 32))) return { looksLike: 'a binary file', command: null };
  return { looksLike: 'a text file', command: null };
}

/** "; it looks like …: use …" for a refusal; nothing when no other import fits, unless `always`. */
export function sniffHint(path: string, always = false): string {
  const { looksLike, command } = sniff(path);
  if (!command && !always) return '';
  return `; it looks like ${looksLike}${command ? `: use \`${command}\`` : ''}`;
}
