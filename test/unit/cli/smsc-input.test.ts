import { describe, expect, it } from '@jest/globals';
import { parseInjectionBody, parsePromptLine } from '../../../src/cli/smsc-input';

describe('parseInjectionBody', () => {
  it.each([
    ['a text with its service number', '{"from":"+8613800138000","to":"95588","text":"余额"}', { from: '+8613800138000', to: '95588', text: '余额' }],
    ['a text to the default number', '{"from":"16465550123","text":"BAL"}', { from: '16465550123', to: '95555', text: 'BAL' }],
    ['an alphanumeric sender', '{"from":"BANK","text":"hi there"}', { from: 'BANK', to: '95555', text: 'hi there' }],
  ])('takes %s', (_name, body, injection) => {
    expect(parseInjectionBody(body, '95555')).toEqual({ ok: true, injection });
  });

  it.each([
    ['a body that is not JSON', '{"from":', [{ path: '(body)', message: expect.stringMatching(/^not JSON: /) }]],
    ['a body that is not an object', '"BAL"', [{ path: '(document)', message: expect.stringContaining('expected object') }]],
    ['no sender', '{"text":"BAL"}', [{ path: 'from', message: expect.stringContaining('expected string') }]],
    ['a sender with a dash', '{"from":"138-0013-8000","text":"BAL"}', [{ path: 'from', message: 'expected 1–20 digits or letters, optionally after a +' }]],
    [
      'a sender too long for SMPP',
      `{"from":"+${'1'.repeat(21)}","text":"BAL"}`,
      [{ path: 'from', message: 'expected 1–20 digits or letters, optionally after a +' }],
    ],
    ['an empty text', '{"from":"+8613800138000","text":""}', [{ path: 'text', message: 'must not be empty' }]],
    ['a text too long', `{"from":"+8613800138000","text":"${'a'.repeat(2001)}"}`, [{ path: 'text', message: 'longer than 2,000 characters' }]],
    ['a field it does not know', '{"from":"+8613800138000","text":"BAL","body":"x"}', [{ path: '(document)', message: expect.stringContaining('"body"') }]],
    ['every bad field at once', '{"from":"","to":"9 5","text":7}', [{ path: 'from' }, { path: 'to' }, { path: 'text' }].map((e) => expect.objectContaining(e))],
  ])('refuses %s, naming the field', (_name, body, errors) => {
    expect(parseInjectionBody(body, '95555')).toEqual({ ok: false, errors });
  });
});

describe('parsePromptLine', () => {
  it.each([
    ['+8613800138000 余额', { from: '+8613800138000', to: '95555', text: '余额' }],
    ['  +16465550123   LANG zh-TW  ', { from: '+16465550123', to: '95555', text: 'LANG zh-TW' }],
    ['16465550123\tBAL', { from: '16465550123', to: '95555', text: 'BAL' }],
  ])('reads %j', (line, injection) => {
    expect(parsePromptLine(line, '95555')).toEqual({ ok: true, injection });
  });

  it('ignores a blank line', () => {
    expect(parsePromptLine('   ', '95555')).toBeUndefined();
  });

  it.each([
    ['+8613800138000', 'text', 'type "<from> <text>", e.g. +8613800138000 余额'],
    ['138-0013-8000 BAL', 'from', 'expected 1–20 digits or letters, optionally after a +'],
  ])('refuses %j, saying why', (line, path, message) => {
    expect(parsePromptLine(line, '95555')).toEqual({ ok: false, errors: [{ path, message }] });
  });
});
