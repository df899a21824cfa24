import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_POLICY } from '../../src/config/call-policy.js';
import { envToConfig } from '../../src/config/config.js';
import { readEnv } from '../../src/config/env.js';

describe('the call policy from the environment', () => {
  it('defaults to DEFAULT_CALL_POLICY', () => {
    expect(envToConfig(readEnv({})).callPolicy).toEqual(DEFAULT_CALL_POLICY);
    expect(DEFAULT_CALL_POLICY).toMatchObject({
      flashRequiresReviewers: 2,
      memconDeadlineDays: 5,
      readoutDeadlineDays: 7,
      readoutSeparateApprover: false,
    });
  });

  it('reads each HOTLINE_ setting', () => {
    const cfg = envToConfig(
      readEnv({
        HOTLINE_FLASH_REVIEWERS: '3',
        HOTLINE_MEMCON_DEADLINE_DAYS: '2',
        HOTLINE_READOUT_DEADLINE_DAYS: '10',
        HOTLINE_READOUT_SEPARATE_APPROVER: 'on',
      }),
    );
    expect(cfg.callPolicy).toMatchObject({
      flashRequiresReviewers: 3,
      memconDeadlineDays: 2,
      readoutDeadlineDays: 10,
      readoutSeparateApprover: true,
      joinWindowMinutes: DEFAULT_CALL_POLICY.joinWindowMinutes,
    });
  });
});
