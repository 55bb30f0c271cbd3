import { describe, expect, it } from '@jest/globals';
import { Batcher } from '../../../src/core/batcher';

describe('Batcher', () => {
  it('runs items pushed together as one batch and hands each caller its own result', async () => {
    const batches: number[][] = [];
    const b = new Batcher(async (xs: number[]) => {
      batches.push(xs);
      return xs.map((x) => x * 10);
    });
    expect(await Promise.all([b.push(1), b.push(2), b.push(3)])).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('caps a batch at max, and runs no more than `concurrency` batches at once', async () => {
    let running = 0;
    let peak = 0;
    const sizes: number[] = [];
    const b = new Batcher(
      async (xs: number[]) => {
        running++;
        peak = Math.max(peak, running);
        sizes.push(xs.length);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return xs;
      },
      { max: 4, concurrency: 2 },
    );
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => b.push(i)));
    expect(out).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, x) => a + x, 0)).toBe(10);
    expect(peak).toBe(2);
  });

  it('rejects every call of a failed batch, and later batches still run', async () => {
    let fail = true;
    const b = new Batcher(async (xs: string[]) => {
      if (fail) throw new Error('database down');
      return xs;
    });
    const first = await Promise.allSettled([b.push('a'), b.push('b')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.push('c')).toBe('c');
  });

  it('with delayMs, gathers what arrives within the delay into one batch', async () => {
    const batches: number[][] = [];
    const b = new Batcher(
      async (xs: number[]) => {
        batches.push(xs);
        return xs;
      },
      { max: 100, concurrency: 1, delayMs: 30 },
    );
    const first = b.push(1);
    await new Promise((r) => setTimeout(r, 10));
    const second = b.push(2);
    expect(batches).toEqual([]); // still waiting for more
    await Promise.all([first, second]);
    expect(batches).toEqual([[1, 2]]);
  });
});
