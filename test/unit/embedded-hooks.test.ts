import { describe, expect, it } from '@jest/globals';
import { runTs } from '../helpers/run';

describe('loadEmbeddedPostgres', () => {
  it('keeps the exit code a process sets (its exit hook called process.exit(0): failing test runs passed)', async () => {
    const r = await runTs('test/fixtures/exit-code.ts', [], {});
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
  });
});
