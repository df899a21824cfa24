import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@hotline/common';
import { afterAll, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config/config.js';
import { readEnv } from '../src/config/env.js';
import { findWebDir } from '../src/http/web-dir.js';

describe('HOTLINE_WEB_DIR', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-webdir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('is read with the other variables and used as the web app folder', () => {
    const dir = join(root, 'built');
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Hotline</title>');
    const cfg = envToConfig(readEnv({ HOTLINE_WEB_DIR: dir }));
    expect(cfg.webDir).toBe(dir);
    expect(findWebDir(cfg.webDir)).toBe(dir);
  });

  it('is refused, named, when the folder holds no built app', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    for (const dir of [empty, join(root, 'missing')]) {
      let err: unknown;
      try {
        envToConfig(readEnv({ HOTLINE_WEB_DIR: dir }));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('HOTLINE_WEB_DIR');
      expect((err as Error).message).toBe(
        `HOTLINE_WEB_DIR: ${dir} has no index.html; point it at the built web app (packages/web/dist after "npm run build"), or unset it to use that folder.`,
      );
    }
  });

  it('is optional: unset, the server looks for packages/web/dist', () => {
    expect(envToConfig(readEnv({})).webDir).toBeUndefined();
    expect(envToConfig(readEnv({ HOTLINE_WEB_DIR: '  ' })).webDir).toBeUndefined();
  });
});
