import { randomInt } from 'node:crypto';

/** A short numeric reference a person can type on a phone (`482193`). */
export function newRef(digits = 6): string {
  return String(randomInt(10 ** (digits - 1), 10 ** digits));
}

/** Runs an insert with fresh refs until one is not taken (unique violation on the ref). */
export async function withFreshRef<T>(insert: (ref: string) => Promise<T>, digits = 6): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await insert(newRef(digits));
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code !== '23505' || !e.constraint?.endsWith('ref_key') || attempt > 10) throw err;
    }
  }
}
