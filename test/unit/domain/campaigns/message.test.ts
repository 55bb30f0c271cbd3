import { describe, expect, it } from '@jest/globals';
import { messageProblem } from '../../../../src/domain/campaigns/message';

describe('campaign texts', () => {
  const good = [
    'Hi {name}, your card ending {last4} has {points, number} points.',
    '{tier, select, platinum {Dear platinum member} gold {Dear gold member} other {Hello}} {name}',
    'You have {points, plural, =0 {no points} one {# point} other {# points}}. Reply {keyword}.',
    '尊敬的{name}，回复 {code} 报名',
    'No fields at all',
  ];
  it.each(good)('accepts %s', (text) => expect(messageProblem(text)).toBeNull());

  const bad: [string, RegExp][] = [
    ['Hi {name', /not valid ICU MessageFormat/],
    ['Hi {nickname}', /unknown field \{nickname\}/],
    ['On {points, date}', /date, time or tag/],
    ['{points, number, currency}', /without a style only/],
    ['{name, number}', /supported for \{points\}/],
    ['{tier, select, gold {x}}', /not valid ICU MessageFormat/],
    ['{points, selectordinal, one {#st} other {#th}}', /cardinal/],
    ['{tier, select, gold {{bogus}} other {x}}', /unknown field \{bogus\}/],
  ];
  it.each(bad)('refuses %s', (text, problem) => expect(messageProblem(text)).toMatch(problem));
});
