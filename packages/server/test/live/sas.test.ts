import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  extractFingerprint,
  formatSas,
  SAS_CONTEXT,
  sasInput,
  shortAuthenticationString,
} from '../../../web/src/rtc/sas.js';
import { fingerprints, mediaSections, sendingMediaSections } from '../../src/live/sdp.js';

const FP_A =
  'E7:3B:38:46:1A:5D:88:B0:C4:2E:15:29:3F:4B:79:6E:0A:13:8C:59:DE:81:AB:2C:5F:06:7D:99:A4:12:C3:F0';
const FP_B =
  '0C:91:4E:2F:66:B8:D3:1A:70:5C:E2:08:9B:37:A6:4D:12:FE:83:C1:55:2A:6F:90:BE:07:48:D9:E3:1B:76:A5';

function sdp(fp: string, extra = ''): string {
  return [
    'v=0',
    'o=- 46117 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:0',
    `a=fingerprint:sha-256 ${fp}`,
    'a=sendrecv',
    extra,
    '',
  ].join('\r\n');
}

describe('short authentication string', () => {
  it('is the same on both sides of a pair', async () => {
    const alice = await shortAuthenticationString(sdp(FP_A), sdp(FP_B));
    const bob = await shortAuthenticationString(sdp(FP_B), sdp(FP_A));
    expect(alice).toMatch(/^\d{6}$/);
    expect(bob).toBe(alice);
  });

  it('is SHA-256 of the context and both fingerprints in byte order, as 6 digits', async () => {
    const hex = (s: string) => Buffer.from(s.replaceAll(':', ''), 'hex');
    const [lo, hi] = [hex(FP_B), hex(FP_A)]; // 0C… sorts before E7…
    const digest = createHash('sha256')
      .update(Buffer.concat([Buffer.from(SAS_CONTEXT), Buffer.from([32]), lo, Buffer.from([32]), hi]))
      .digest();
    const expected = String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0');
    expect(await shortAuthenticationString(sdp(FP_A), sdp(FP_B))).toBe(expected);
    expect(sasInput(extractFingerprint(sdp(FP_A)), extractFingerprint(sdp(FP_B))).length).toBe(
      SAS_CONTEXT.length + 66,
    );
  });

  it('differs when a relay swaps one fingerprint', async () => {
    const honest = await shortAuthenticationString(sdp(FP_A), sdp(FP_B));
    const forged = FP_B.replace('0C:91', '0C:92');
    const alice = await shortAuthenticationString(sdp(FP_A), sdp(forged));
    const bob = await shortAuthenticationString(sdp(FP_B), sdp(FP_A));
    expect(alice).not.toBe(bob);
    expect(bob).toBe(honest);
  });

  it('reads the fingerprint in any letter case and refuses SDPs without one or with two', () => {
    expect(extractFingerprint(sdp(FP_A.toLowerCase())).hex).toBe(FP_A);
    expect(extractFingerprint(sdp(FP_A, `a=fingerprint:sha-256 ${FP_A}`)).bytes.length).toBe(32);
    expect(() => extractFingerprint('v=0\r\nm=audio 9 RTP/AVP 0\r\n')).toThrow(/no a=fingerprint/);
    expect(() => extractFingerprint(sdp(FP_A, `a=fingerprint:sha-256 ${FP_B}`))).toThrow(/more than one/);
    expect(() => extractFingerprint(sdp('E7:3B:3'))).toThrow(/malformed/);
  });

  it('formats the code in two groups of three', () => {
    expect(formatSas('042917')).toBe('042 917');
  });
});

describe('SDP direction (the listener guard)', () => {
  it('takes the section direction, then the session one, then sendrecv', () => {
    const s = [
      'v=0',
      'a=recvonly',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      'a=sendonly',
      'm=video 0 UDP/TLS/RTP/SAVPF 96',
      'a=sendrecv',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
    ].join('\n');
    expect(mediaSections(s).map((m) => m.direction)).toEqual([
      'recvonly',
      'sendonly',
      'sendrecv',
      'recvonly',
    ]);
    // The disabled (port 0) video and the data channel do not count as sending media.
    expect(sendingMediaSections(s).map((m) => m.kind)).toEqual(['audio']);
    expect(sendingMediaSections('v=0\r\nm=audio 9 RTP/AVP 0\r\n')).toHaveLength(1);
    expect(fingerprints(sdp(FP_A))).toEqual([`sha-256 ${FP_A}`]);
  });
});
