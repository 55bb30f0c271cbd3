import { describe, expect, it } from '@jest/globals';
import { isValidTwilioSignature } from '../../../src/transport/twilio/twilio.transport';
import { classifyTwilioError } from '../../../src/transport/twilio/errors';

// Twilio's published example (https://www.twilio.com/docs/usage/security#validating-requests).
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const token = '12345';
const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
const signature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';

describe('Twilio request signature', () => {
  it('accepts the published example', () => {
    expect(isValidTwilioSignature(token, signature, url, params)).toBe(true);
  });
  it('accepts the same URL with the default port spelled out', () => {
    expect(isValidTwilioSignature(token, signature, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params)).toBe(true);
  });
  it.each([
    ['a tampered parameter', token, signature, url, { ...params, Digits: '1235' }],
    ['an added parameter', token, signature, url, { ...params, Body: 'BAL' }],
    ['a wrong URL', token, signature, 'https://mycompany.com/myapp.php?foo=1&bar=3', params],
    ['another host', token, signature, 'https://evil.example/myapp.php?foo=1&bar=2', params],
    ['a wrong token', '54321', signature, url, params],
    ['a missing header', token, undefined, url, params],
    ['an empty header', token, '', url, params],
  ])('refuses %s', (_name, tok, sig, u, p) => {
    expect(isValidTwilioSignature(tok, sig, u, p)).toBe(false);
  });
});

describe('classifyTwilioError', () => {
  it.each([
    [{ status: 400, code: 21610, message: 'unsubscribed' }, 'opted_out', false],
    [{ status: 400, code: 21211, message: 'invalid To' }, 'invalid_destination', false],
    [{ status: 400, code: 21614, message: 'not mobile' }, 'invalid_destination', false],
    [{ status: 401, code: 20003, message: 'auth' }, 'config', false],
    [{ status: 429, code: 20429, message: 'too many' }, 'throttled', true],
    [{ status: 429, message: 'too many' }, 'throttled', true],
    [{ status: 503, message: 'down' }, 'unavailable', true],
    [{ status: 400, code: 99999, message: 'odd' }, 'rejected', false],
    [{ code: 'ECONNREFUSED', message: 'refused' }, 'unavailable', true],
    [{ code: 'ECONNRESET', message: 'reset' }, 'unknown_outcome', false],
    [new Error('socket hang up'), 'unknown_outcome', false],
  ])('%j → %s (retryable %s)', (err, kind, retryable) => {
    const e = classifyTwilioError(err);
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(retryable);
  });
});
