import type { Db, Locale } from '../../db/schema';
import { customerById } from '../../domain/accounts';
import { audit } from '../../domain/audit';
import { type CardOutcome, type CardRequest, settleCardRequest } from '../../domain/card-requests';
import { displayCard } from '../../domain/pan';
import type { Notifier } from '../messaging/notifier';
import { formatDay, formatMoney, type TemplateValues } from '../messaging/templates';

const MONEY = ['amount', 'newLimit', 'fee', 'monthly'];
const DAYS = ['until', 'from', 'to'];

/** A request's payload as template values in the customer's language (money and days formatted, arrays joined, cards masked). */
function payloadValues(r: CardRequest, locale: Locale): TemplateValues {
  const values: TemplateValues = {};
  for (const [k, v] of Object.entries(r.payload)) {
    if (Array.isArray(v)) values[k] = v.join(', ');
    else if (typeof v === 'string' || typeof v === 'number') values[k] = v;
    else if (typeof v === 'boolean') values[k] = v ? 'on' : 'off';
  }
  if (typeof r.payload.card === 'string') values.card = displayCard(r.payload.card);
  const currency = r.payload.currency;
  for (const k of MONEY) if (typeof r.payload[k] === 'number' && typeof currency === 'string') values[k] = formatMoney(r.payload[k], currency, locale);
  for (const k of DAYS) if (typeof r.payload[k] === 'string') values[k] = formatDay(r.payload[k], locale);
  return values;
}

/**
 * Settles a request with the card system's answer and tells the customer in their language, in
 * the caller's transaction (`<kind>.done`, `confirm.declined` or `confirm.failed`). False when it
 * was settled already (a repeated callback tells nobody twice).
 */
export async function settleAndTell(
  db: Db,
  notifier: Notifier,
  r: CardRequest,
  outcome: CardOutcome | { status: 'failed'; error: string },
  now: Date,
): Promise<boolean> {
  if (outcome.status === 'failed') {
    // failCardRequest has marked it; the customer still hears.
  } else if (!(await settleCardRequest(db, r.id, outcome, now))) return false;
  const customer = await customerById(db, r.customer_id);
  const values = { ...payloadValues(r, customer.locale), ...(outcome.status === 'done' ? (outcome.values ?? {}) : {}) };
  const template = outcome.status === 'done' ? `${r.kind}.done` : outcome.status === 'declined' ? 'confirm.declined' : 'confirm.failed';
  const reason = outcome.status === 'declined' ? (outcome.reason ?? 'other') : 'other';
  await notifier.toCustomer(db, customer, template, { ...values, kind: r.kind, reason }, { class: 'transactional', now, dedupeKey: `cardreq:${r.id}` });
  await audit(db, {
    actorType: 'system',
    channel: 'card-system',
    action: `card_request.${outcome.status}`,
    subject: `card_request:${r.idempotency_key}`,
    details: { kind: r.kind },
  });
  return true;
}
