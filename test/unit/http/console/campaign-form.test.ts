import { describe, expect, it } from '@jest/globals';
import { campaignInput } from '../../../../src/domain/campaigns/campaigns';
import { infoKeywordSchema } from '../../../../src/core/info/keywords';
import { audienceFromForm, campaignFromForm, type FormBody, scheduleFromForm } from '../../../../src/http/console/campaign-form';
import { everyMinute } from '../../../../src/http/console/campaign-editor';
import { keywordFromForm } from '../../../../src/http/console/keyword-form';

describe('the campaign form as the API body', () => {
  it.each<[string, FormBody, Record<string, unknown>]>([
    ['nothing chosen: every customer', {}, {}],
    ['one box ticked is a list of one', { tiers: 'gold' }, { tiers: ['gold'] }],
    [
      'boxes and comma lists (also ，)',
      { tiers: ['gold', 'platinum'], cities: 'Wuxi, Shanghai，Suzhou ' },
      { tiers: ['gold', 'platinum'], cities: ['Wuxi', 'Shanghai', 'Suzhou'] },
    ],
    ['months and points as numbers', { birthdayMonths: '1, 12', pointsAbove: '100' }, { birthdayMonths: [1, 12], pointsAbove: 100 }],
    ['a non-number stays text for the schema to name', { pointsBelow: 'lots' }, { pointsBelow: 'lots' }],
    ['one end of a date range', { sinceFrom: '2020-01-01' }, { customerSince: { from: '2020-01-01' } }],
  ])('audience: %s', (_name, form, audience) => {
    expect(audienceFromForm(form)).toEqual(audience);
  });

  it.each<[string, FormBody, Record<string, unknown>]>([
    [
      'once',
      { scheduleKind: 'once', at: '2026-12-01T10:30', timeZone: 'Asia/Shanghai', cron: 'ignored' },
      { kind: 'once', at: '2026-12-01T10:30', timeZone: 'Asia/Shanghai' },
    ],
    ['cron', { scheduleKind: 'cron', cron: '0 10 * * 1', timeZone: 'UTC' }, { kind: 'cron', cron: '0 10 * * 1', timeZone: 'UTC' }],
    [
      'relative',
      { scheduleKind: 'relative', anchor: 'activation', days: '30', time: '09:00', timeZone: 'UTC' },
      { kind: 'relative', anchor: 'activation', days: 30, at: '09:00', timeZone: 'UTC' },
    ],
  ])('schedule: %s', (_name, form, schedule) => {
    expect(scheduleFromForm(form)).toEqual(schedule);
  });

  it('makes a body the API schema accepts, empty languages left out and the keyword upper-cased there', () => {
    const body = campaignFromForm({
      name: ' Gala ',
      purpose: 'Invite',
      'msg.en': 'Hi {name}',
      'msg.zh-CN': '',
      scheduleKind: 'once',
      at: '2026-12-01T10:30',
      timeZone: 'Asia/Shanghai',
      rate: '100',
      validity: '240',
      keyword: 'join gala27',
    });
    expect(body.messages).toEqual({ en: 'Hi {name}' });
    const parsed = campaignInput.safeParse(body);
    expect(parsed.success && parsed.data).toMatchObject({ name: 'Gala', ratePerSecond: 100, validityMinutes: 240, promotedKeyword: 'JOIN GALA27' });
  });

  it('leaves a bad form for the API schema to refuse, field by field', () => {
    const parsed = campaignInput.safeParse(campaignFromForm({ name: 'x', purpose: 'y', scheduleKind: 'once', timeZone: 'Mars/Base', rate: 'fast' }));
    expect(parsed.success).toBe(false);
    const paths = parsed.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['messages', 'schedule.at', 'schedule.timeZone', 'ratePerSecond']));
  });
});

describe('the keyword form as the API body', () => {
  it('keeps the default reply of each language, drops empty tier replies, reads times as UTC', () => {
    const body = keywordFromForm({
      keyword: 'hotline',
      aliases: '热线, 熱線',
      'reply.en.default': 'Call us',
      'reply.en.gold': 'Gold line',
      'reply.en.platinum': '',
      'reply.zh-CN.default': '请致电',
      'reply.zh-HK.default': '請致電',
      validFrom: '2026-12-01T00:00',
    });
    expect(body).toEqual({
      keyword: 'hotline',
      aliases: ['热线', '熱線'],
      replies: { en: { default: 'Call us', gold: 'Gold line' }, 'zh-CN': { default: '请致电' }, 'zh-HK': { default: '請致電' } },
      validFrom: '2026-12-01T00:00:00Z',
      validTo: null,
    });
    expect(infoKeywordSchema.safeParse(body).success).toBe(true);
  });

  it('gives a missing reply to the schema to name', () => {
    const parsed = infoKeywordSchema.safeParse(keywordFromForm({ keyword: 'x', 'reply.en.default': 'a' }));
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['replies.zh-CN.default', 'replies.zh-HK.default']));
  });
});

describe('the report chart minutes', () => {
  const m = (minute: string, sent: number) => ({ minute: `2026-12-01T${minute}:00.000Z`, sent, delivered: 0, failed: 0 });
  it.each([
    ['nothing sent', [], []],
    ['one minute gets a quiet minute either side', [m('02:30', 3)], [m('02:29', 0), m('02:30', 3), m('02:31', 0)]],
    ['a quiet minute between is a zero', [m('02:30', 3), m('02:32', 1)], [m('02:29', 0), m('02:30', 3), m('02:31', 0), m('02:32', 1), m('02:33', 0)]],
  ])('%s', (_name, given, expected) => {
    expect(everyMinute(given)).toEqual(expected);
  });
});
