// The card system's live changes (POST /api/accounts/changes): each names one record by its external
// id, says when it was true there (`asOf`, with `version` to order changes of one moment) and carries
// the fields that changed.
import { z } from 'zod';
import { day, id, locale, mobile, moment, money, tier, timeZone } from '../import/import.schema';

/** The most changes one request may carry. */
export const MAX_CHANGES = 5000;

const stamp = { asOf: moment, version: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0) };
const someField = (fields: readonly string[]) => (o: Record<string, unknown>) => fields.some((f) => o[f] !== undefined);

const CUSTOMER_FIELDS = ['name', 'mobile', 'locale', 'timeZone', 'tier', 'birthday', 'marketingConsent', 'greetingsOptOut'] as const;
const CARD_FIELDS = ['balance', 'availableCredit', 'creditLimit', 'status', 'expiresOn'] as const;

function change(region: string) {
  return z.discriminatedUnion('type', [
    z
      .strictObject({
        type: z.literal('customer'),
        customerId: id,
        ...stamp,
        name: z.string().trim().min(1, 'required').max(200).optional(),
        mobile: mobile(region).optional(),
        locale: locale.optional(),
        timeZone: timeZone().optional(),
        tier: tier.optional(),
        birthday: day.optional(),
        marketingConsent: z.boolean().optional(),
        greetingsOptOut: z.boolean().optional(),
      })
      .refine(someField(CUSTOMER_FIELDS), { message: `expected at least one of ${CUSTOMER_FIELDS.join(', ')}` }),
    z.strictObject({ type: z.literal('points'), customerId: id, ...stamp, points: z.number().int().min(0) }),
    z
      .strictObject({
        type: z.literal('card'),
        cardId: id,
        ...stamp,
        balance: money.optional(),
        availableCredit: money.min(0).optional(),
        creditLimit: money.min(0).optional(),
        status: z.enum(['inactive', 'active', 'frozen', 'closed']).optional(),
        expiresOn: day.optional(),
      })
      .refine(someField(CARD_FIELDS), { message: `expected at least one of ${CARD_FIELDS.join(', ')}` }),
    z.strictObject({
      type: z.literal('statement'),
      statementId: id,
      cardId: id,
      ...stamp,
      closingDate: day,
      dueDate: day,
      balance: money,
      minimumDue: money.min(0),
      paidAmount: money.min(0).default(0),
    }),
  ]);
}

/** The request body: up to MAX_CHANGES changes, applied in one transaction. */
export function changesSchema(region: string) {
  return z.strictObject({
    changes: z.array(change(region)).min(1, 'expected at least one change').max(MAX_CHANGES, `at most ${MAX_CHANGES} changes a request`),
  });
}

/** One validated change. */
export type AccountChange = z.output<ReturnType<typeof changesSchema>>['changes'][number];
