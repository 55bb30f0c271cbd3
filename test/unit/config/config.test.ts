import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../../src/config';

/** A secret as `openssl rand -hex 32` makes one. */
const STRONG = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';

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
    const c = loadConfig({ NODE_ENV: 'production', CARD_HASH_SECRET: STRONG });
    expect(c.devChannel).toBe(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('requires the Twilio settings that go together', () => {
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_AUTH_TOKEN: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together/);
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', PUBLIC_BASE_URL: 'https://x.example' })).toThrow(
      /TWILIO_FROM: set TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID/,
    );
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+18005550100' })).toThrow(
      /PUBLIC_BASE_URL: required with Twilio/,
    );
    const c = loadConfig({ TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+18005550100', PUBLIC_BASE_URL: 'https://x.example/' });
    expect(c.twilio).toMatchObject({ accountSid: 'AC1', from: '+18005550100' });
    expect(c.publicBaseUrl).toBe('https://x.example');
  });

  it('reads the SMPP settings: sender with TON/NPI, tier senders, sessions, window', () => {
    expect(() => loadConfig({ SMPP_URL: 'smpp://smsc:2775' })).toThrow(/SMPP_SOURCE_ADDR: required with SMPP/);
    expect(() => loadConfig({ SMPP_URL: 'smpp://smsc:2775', SMPP_SOURCE_ADDR: '95555', SMPP_SOURCE_TON: '9', SMPP_SESSIONS: '0' })).toThrow(
      /SMPP_SOURCE_TON: .*\n.*SMPP_SESSIONS: /s,
    );
    expect(() => loadConfig({ SMPP_URL: 'smpp://smsc:2775', SMPP_SOURCE_ADDR: '95555', SMPP_TIER_SENDERS: '{"diamond":"1"}' })).toThrow(
      /SMPP_TIER_SENDERS: .*Unrecognized key: "diamond"/,
    );
    expect(() => loadConfig({ SMPP_URL: 'smpp://smsc:2775', SMPP_SOURCE_ADDR: '95555', SMPP_TIER_SENDERS: '{"platinum":{"addr":"95588","ton":7}}' })).toThrow(
      /SMPP_TIER_SENDERS: platinum/,
    );
    const c = loadConfig({
      SMPP_URL: 'smpp://smsc:2775',
      SMPP_SOURCE_ADDR: '95555',
      SMPP_SOURCE_TON: '3',
      SMPP_SOURCE_NPI: '0',
      SMPP_TIER_SENDERS: '{"platinum":"95588","gold":{"addr":"BANK","ton":5,"npi":0}}',
      SMPP_SESSIONS: '3',
      SMPP_BIND_MODE: 'split',
    });
    expect(c.smpp).toMatchObject({
      sender: { addr: '95555', ton: 3, npi: 0 },
      tierSenders: { platinum: { addr: '95588' }, gold: { addr: 'BANK', ton: 5, npi: 0 } },
      sessions: 3,
      window: 10,
      bindMode: 'split',
      enquireLinkMs: 30_000,
    });
  });

  it('validates JSON variables field by field', () => {
    expect(() => loadConfig({ ROUTES: '[{"via":[]}]' })).toThrow(/ROUTES: 0\.via: Too small/);
    expect(() => loadConfig({ ROUTES: 'not json' })).toThrow(/ROUTES: not valid JSON/);
    expect(() => loadConfig({ RENEWAL_OFFSETS: '60,x' })).toThrow(/RENEWAL_OFFSETS: expected days before expiry/);
  });
});
