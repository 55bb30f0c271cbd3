/**
 * One array per column of `rows`, for `INSERT … SELECT * FROM unnest($1::text[], …)`: a batch is
 * a parameter per column to bind and plan, not one per value as with a VALUES list.
 */
export function columns<T extends object>(rows: readonly T[]): <K extends keyof T>(key: K) => T[K][] {
  return (key) => rows.map((r) => r[key]);
}
