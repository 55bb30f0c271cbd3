import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('applies defaults and freezes', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.defaultRegion).toBe('CN');
    expect(c.devChannel).toBe(true);
    expect(c.quietHours).toEqual({ start: '21:00', end: '08:00' });
    expect(c.smpp).toBeUndefined();
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', QUIET_HOURS_START: '25:00', SMPP_URL: 'http://x' })).toThrow(
      /PORT: .*\n.*DATABASE_URL: expected postgres.*\n.*QUIET_HOURS_START: expected HH:MM.*\n.*SMPP_URL: expected smpp/s,
    );
  });

  it('requires CARD_HASH_SECRET in production and turns the dev channel off there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/CARD_HASH_SECRET: required in production/);
    const c = loadConfig({ NODE_ENV: 'production', CARD_HASH_SECRET: 'x'.repeat(32) });
    expect(c.devChannel).toBe(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('requires the Twilio settings that go together', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_AUTH_TOKEN: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', PUBLIC_BASE_URL: 'https://x.example' })).toThrow(/TWILIO_FROM: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+18005550100' })).toThrow(/PUBLIC_BASE_URL: required with Twilio/);
    const c = loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+18005550100', PUBLIC_BASE_URL: 'https://x.example/' });
    expect(c.twilio).toMatchObject({ accountSid: 'AC1', from: '+18005550100' });
    expect(c.publicBaseUrl).toBe('https://x.example');
  });

  it('validates JSON variables field by field', () => {
    expect(() => loadConfig({ ROUTES: '[{"via":[]}]' })).toThrow(/ROUTES: 0\.via: Too small/);
    expect(() => loadConfig({ ROUTES: 'not json' })).toThrow(/ROUTES: not valid JSON/);
    expect(() => loadConfig({ RENEWAL_OFFSETS: '60,x' })).toThrow(/RENEWAL_OFFSETS: expected days before expiry/);
  });
});
