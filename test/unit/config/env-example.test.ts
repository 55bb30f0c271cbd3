import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { envSchema, readDotEnv, simulatorEnvSchema, smsToolEnvSchema } from '../../../src/config';
import { projectPath } from '../../../src/shared/paths';

/** Variable names `.env.example` sets or shows commented out (`NAME=…`, `# NAME=…`). */
function exampleNames(text: string): string[] {
  return [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
}

describe('.env.example', () => {
  const names = exampleNames(readFileSync(projectPath('.env.example'), 'utf8'));

  it('lists every variable the schemas define, and nothing else', () => {
    const defined = [...Object.keys(envSchema.shape), ...Object.keys(simulatorEnvSchema.shape), ...Object.keys(smsToolEnvSchema.shape)];
    expect([...new Set(names)].sort()).toEqual([...new Set(defined)].sort());
  });

  it('lists each variable once', () => {
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('reads names in both forms, and only at the start of a line', () => {
    expect(exampleNames('PORT=3000\n# SMPP_URL=smpp://x\n#   LOG_LEVEL=info\nnot NAME=x\n# a comment: X=1')).toEqual(['PORT', 'SMPP_URL', 'LOG_LEVEL']);
  });
});

describe('readDotEnv', () => {
  it('sets what .env holds, leaving a variable the environment already has as it is', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'uplink-env-')), '.env');
    writeFileSync(file, 'UPLINK_TEST_FROM_FILE=file\nUPLINK_TEST_SET_BEFORE=file\n');
    process.env.UPLINK_TEST_SET_BEFORE = 'environment';
    readDotEnv(file);
    expect([process.env.UPLINK_TEST_FROM_FILE, process.env.UPLINK_TEST_SET_BEFORE]).toEqual(['file', 'environment']);
    delete process.env.UPLINK_TEST_FROM_FILE;
    delete process.env.UPLINK_TEST_SET_BEFORE;
  });

  it('does nothing without a .env', () => {
    expect(() => readDotEnv(path.join(os.tmpdir(), 'no-such-folder-uplink', '.env'))).not.toThrow();
  });
});
