/** Where global-setup tells the test workers which PostgreSQL and template database to use. */
export const TEST_ENV = { adminUrl: 'UPLINK_TEST_ADMIN_URL', templateDb: 'UPLINK_TEST_TEMPLATE_DB' } as const;

/** A value global-setup put in the environment. */
export function testEnv(key: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[key]];
  if (!value) throw new Error(`${TEST_ENV[key]} is not set: run the tests with npm test (jest's global setup sets it)`);
  return value;
}
