/** Drops the template database and stops the embedded PostgreSQL that global-setup started. */
export default async function globalTeardown(): Promise<void> {
  await (globalThis as { uplinkTestTeardown?: () => Promise<void> }).uplinkTestTeardown?.();
}
