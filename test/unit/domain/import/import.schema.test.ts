import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { ImportError, parseImport } from '../../../../src/domain/import/import';
import { formatPath } from '../../../../src/shared/field-path';

const example = JSON.parse(readFileSync('test/fixtures/import-example.json', 'utf8'));

function problems(doc: unknown): string[] {
  try {
    parseImport(typeof doc === 'string' ? doc : JSON.stringify(doc), 'CN');
    return [];
  } catch (err) {
    if (err instanceof ImportError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
}

function withCustomer(patch: Record<string, unknown>) {
  const doc = structuredClone(example);
  Object.assign(doc.customers[0], patch);
  return doc;
}

function withCard(patch: Record<string, unknown>) {
  const doc = structuredClone(example);
  Object.assign(doc.customers[0].cards[0], patch);
  return doc;
}

describe('import document validation', () => {
  it('accepts the example file and normalises numbers', () => {
    const doc = parseImport(JSON.stringify(example), 'CN');
    expect(doc.customers[0].mobile).toBe('+8613800138001');
    expect(doc.customers[0].cards[0].pan).toBe('6225880012345675');
    expect(doc.staff[0].mobile).toBe('+8613700137001');
  });

  it.each([
    [withCustomer({ mobile: '010-12345678' }), 'customers[0].mobile: not a mobile number'],
    [withCustomer({ mobile: '12' }), 'customers[0].mobile: not a phone number'],
    [withCustomer({ timeZone: 'Mars/Base' }), 'customers[0].timeZone: not an IANA time zone'],
    [withCustomer({ birthday: '1975-02-29' }), 'customers[0].birthday: not a real date'],
    [withCustomer({ birthday: '1900-02-29' }), 'customers[0].birthday: not a real date'],
    [withCustomer({ birthday: '2026-04-31' }), 'customers[0].birthday: not a real date'],
    [withCustomer({ birthday: '2026-13-01' }), 'customers[0].birthday: not a real date'],
    [withCustomer({ birthday: '2026-00-10' }), 'customers[0].birthday: not a real date'],
    [withCustomer({ asOf: '2026-11-30 02:00' }), 'customers[0].asOf: expected an ISO 8601 date-time with offset'],
    [withCard({ availableCredit: -1 }), 'customers[0].cards[0].availableCredit:'],
    [withCustomer({ tier: 'diamond' }), 'customers[0].tier:'],
    [withCustomer({ name: '' }), 'customers[0].name: required'],
    [withCustomer({ nickname: 'x' }), 'customers[0]: Unrecognized key: "nickname"'],
    [withCard({ pan: '4111111111111112' }), 'customers[0].cards[0].pan: not a valid card number'],
    [withCard({ currency: 'yuan' }), 'customers[0].cards[0].currency: expected an ISO 4217 code'],
    [withCard({ creditLimit: 10.001 }), 'customers[0].cards[0].creditLimit: at most 2 decimals'],
    [withCard({ expiresOn: '2030/05/31' }), 'customers[0].cards[0].expiresOn: expected YYYY-MM-DD'],
    ['{ not json', '(document): not JSON'],
    [[], '(document):'],
  ])('refuses %#: %s', (doc, expected) => {
    const found = problems(doc);
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
  });

  it.each(['2000-02-29', '2024-02-29', '2026-12-31', '1999-01-01'])('accepts the real date %s', (birthday) => {
    expect(problems(withCustomer({ birthday }))).toEqual([]);
  });

  it('reports every bad field at once, with its path', () => {
    const doc = structuredClone(example);
    doc.customers[0].mobile = 'nope';
    doc.customers[0].cards[0].statements[0].dueDate = 'soon';
    doc.events[0].signupClosesAt = '2020-01-01T00:00:00Z';
    expect(problems(doc)).toEqual([
      'customers[0].mobile: not a phone number',
      'customers[0].cards[0].statements[0].dueDate: expected YYYY-MM-DD',
      'events[0].signupClosesAt: must be after signupOpensAt',
    ]);
  });

  it('refuses duplicates within the file (checked once every field is well formed)', () => {
    const doc = structuredClone(example);
    doc.customers.push({ ...structuredClone(doc.customers[0]), externalId: 'C-9002' });
    expect(problems(doc)).toEqual([
      'customers[1].mobile: duplicate mobile (also at index 0)',
      'customers[1].cards[0].externalId: duplicate card externalId (also at index 0)',
      'customers[1].cards[0].pan: duplicate card number (also at index 0)',
    ]);
  });

  it('formats paths as a person reads them', () => {
    expect(formatPath(['customers', 3, 'mobile'])).toBe('customers[3].mobile');
    expect(formatPath([])).toBe('(document)');
  });
});
