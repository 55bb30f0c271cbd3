import { describe, expect, it } from '@jest/globals';
import { bodiesLogged } from '../../../src/shared/log';
import { captureLog } from '../../helpers/log';

// pino writes synchronously to a plain stream, so what was logged is there when the call returns.
describe('createLogger', () => {
  it('redacts secrets, numbers and bodies wherever they appear, and masks card numbers in every string', () => {
    const { log, text, lines } = captureLog('info', 'production');
    log.info(
      {
        to: '+8613800138000',
        from: '+8613800138000',
        body: 'your balance',
        text: 'BAL',
        password: 'p',
        token: 'upl_secret',
        authorization: 'Bearer x',
        sms: { to: '+1', nested: { body: 'b', authToken: 't', note: 'card 4111 1111 1111 1111' } },
        err: new Error('failed on 4111111111111111'),
      },
      'texted 4111111111111111 %s',
      'about 4111-1111-1111-1111',
    );
    log.child({ transport: 'smpp' }).warn({ reason: 'card 4111111111111111' }, 'child');
    const [line, child] = lines();
    expect(line).toMatchObject({
      to: '[redacted]',
      from: '[redacted]',
      body: '[redacted]',
      text: '[redacted]',
      password: '[redacted]',
      token: '[redacted]',
      authorization: '[redacted]',
      sms: { to: '[redacted]', nested: { body: '[redacted]', authToken: '[redacted]', note: 'card **** **** **** 1111' } },
      msg: 'texted ************1111 about ****-****-****-1111',
    });
    expect(child).toMatchObject({ reason: 'card ************1111', transport: 'smpp' });
    expect(text()).not.toMatch(/4111.?1111.?1111|13800138000|upl_secret|your balance|Bearer x/);
    expect(text()).toContain('failed on ************1111');
  });

  it('logs bodies and numbers only at debug level outside production', () => {
    expect([
      bodiesLogged('debug', 'development'),
      bodiesLogged('trace', 'test'),
      bodiesLogged('info', 'development'),
      bodiesLogged('debug', 'production'),
    ]).toEqual([true, true, false, false]);
    const dev = captureLog('debug', 'development');
    dev.log.debug({ to: '+8613800138000', body: 'hello', token: 't' }, 'dev channel sent');
    expect(dev.lines()[0]).toMatchObject({ to: '+8613800138000', body: 'hello', token: '[redacted]' });
    const prod = captureLog('debug', 'production');
    prod.log.debug({ to: '+8613800138000', body: 'hello' }, 'dev channel sent');
    expect(prod.lines()[0]).toMatchObject({ to: '[redacted]', body: '[redacted]' });
  });
});
