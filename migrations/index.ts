import type { Migration } from 'kysely';
import * as m001 from './001_core';

/** Every migration, by name in the order they apply. A new migration is one file plus one line here. */
export const migrations: Record<string, Migration> = {
  '001_core': m001,
};
