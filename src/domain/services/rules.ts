// The service rules by tier: ordered, pure tables with a required default (docs/keywords.md).
import type { Tier } from '../../db/schema';

/** What a temporary-limit request comes to. */
export type TempDecision = 'approve' | 'refer' | 'decline';

/** One row of the TEMP rule table: every condition given must hold; the first row that matches decides. */
export interface TempRule {
  tier?: Tier;
  /** Late payments in the last 12 months, at least / at most. */
  minLate?: number;
  maxLate?: number;
  /** The increase as a share of the permanent limit, at most. */
  maxRatio?: number;
  decision: TempDecision;
}

/** The TEMP rule table; the last row (no condition) is the default. */
export const TEMP_RULES: readonly TempRule[] = [
  { minLate: 3, decision: 'decline' },
  { tier: 'platinum', maxLate: 0, maxRatio: 0.5, decision: 'approve' },
  { tier: 'platinum', maxLate: 2, maxRatio: 1, decision: 'refer' },
  { tier: 'gold', maxLate: 0, maxRatio: 0.3, decision: 'approve' },
  { tier: 'gold', maxLate: 1, maxRatio: 0.6, decision: 'refer' },
  { tier: 'standard', maxLate: 0, maxRatio: 0.2, decision: 'approve' },
  { tier: 'standard', maxLate: 1, maxRatio: 0.4, decision: 'refer' },
  { decision: 'decline' },
];

/** Decides a temporary increase of `amount` on a card with `limit`, for a tier and a payment history. */
export function decideTemp(tier: Tier, latePayments: number, limit: number, amount: number, rules: readonly TempRule[] = TEMP_RULES): TempDecision {
  const ratio = limit > 0 ? amount / limit : Infinity;
  const rule = rules.find(
    (r) =>
      (r.tier === undefined || r.tier === tier) &&
      (r.minLate === undefined || latePayments >= r.minLate) &&
      (r.maxLate === undefined || latePayments <= r.maxLate) &&
      (r.maxRatio === undefined || ratio <= r.maxRatio),
  );
  return rule?.decision ?? 'decline';
}

/** Days a temporary limit lasts. */
export const TEMP_DAYS = 30;

/** The instalment plans offered on the latest statement: total fee as a share of the amount. */
export const INSTALMENT_FEES: Readonly<Record<number, number>> = { 3: 0.018, 6: 0.036, 12: 0.072 };
/** The smallest statement balance that can be split. */
export const INSTALMENT_MINIMUM = 500;

/** Fee and monthly amount of splitting `amount` over `months` (cents rounded; the first month takes the remainder). */
export function instalmentQuote(amount: number, months: number): { fee: number; monthly: number; total: number } | null {
  const rate = INSTALMENT_FEES[months];
  if (rate === undefined || amount < INSTALMENT_MINIMUM) return null;
  const fee = Math.round(amount * rate * 100) / 100;
  const total = Math.round((amount + fee) * 100) / 100;
  return { fee, monthly: Math.ceil((total / months) * 100) / 100, total };
}

/** Replacement card fee by tier (in the card's currency); platinum is free. */
export const REPLACEMENT_FEE: Readonly<Record<Tier, number>> = { standard: 50, gold: 30, platinum: 0 };

/** Hours within which a call-back is promised, by tier. */
export const CALLBACK_HOURS: Readonly<Record<Tier, number>> = { platinum: 2, gold: 8, standard: 24 };

/** Hours within which a complaint is answered, by tier. */
export const COMPLAINT_HOURS: Readonly<Record<Tier, number>> = { platinum: 24, gold: 48, standard: 72 };

/** Annual fee by tier and how it is waived: purchases in the card year, or spend. */
export const ANNUAL_FEE: Readonly<Record<Tier, { fee: number; waiver: { purchases: number } | { spend: number } }>> = {
  standard: { fee: 200, waiver: { purchases: 6 } },
  gold: { fee: 800, waiver: { spend: 50_000 } },
  platinum: { fee: 3600, waiver: { spend: 200_000 } },
};

/** Share of the credit limit that may be drawn as cash, by tier. */
export const CASH_ADVANCE_SHARE: Readonly<Record<Tier, number>> = { standard: 0.3, gold: 0.5, platinum: 0.5 };
