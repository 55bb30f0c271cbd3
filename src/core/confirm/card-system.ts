import type { AppConfig } from '../../config';
import type { Card, Customer } from '../../db/schema';
import type { CardOutcome, CardRequest } from '../../domain/card-requests';
import { signBody } from '../../shared/signature';

/** What one send to the card system came to. */
export type SendResult =
  /** It answered at once. */
  | { kind: 'answered'; outcome: CardOutcome }
  /** It took the request (202) and will call back. */
  | { kind: 'accepted' }
  /** Worth another try later (network, 5xx, 408, 429). */
  | { kind: 'retry'; error: string }
  /** Refused for good (another 4xx, an answer that is not one). */
  | { kind: 'refused'; error: string };

/** The request body the card system receives (docs/card-system.md). */
export function requestBody(r: CardRequest, customer: Customer, card: Card | null): string {
  const { card: _last4, cardExternalId: _card, ref, ...params } = r.payload as Record<string, unknown>;
  return JSON.stringify({
    idempotencyKey: r.idempotency_key,
    kind: r.kind,
    reference: ref,
    customer: customer.external_id,
    card: card?.external_id ?? null,
    params,
    requestedAt: r.created_at.toISOString(),
  });
}

/** Reads the card system's answer: `{"status":"done"|"declined", "reason"?, "values"?}`. */
export function readOutcome(body: unknown): CardOutcome | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (b.status === 'declined') return { status: 'declined', reason: typeof b.reason === 'string' ? b.reason.slice(0, 40) : undefined };
  if (b.status !== 'done') return null;
  const values: Record<string, string | number> = {};
  if (typeof b.values === 'object' && b.values !== null)
    for (const [k, v] of Object.entries(b.values).slice(0, 10))
      if (typeof v === 'string' || typeof v === 'number') values[k] = typeof v === 'string' ? v.slice(0, 80) : v;
  return { status: 'done', values };
}

/** POSTs one request to CARD_SYSTEM_URL, signed with CARD_SYSTEM_SECRET, and classifies the answer. */
export async function sendToCardSystem(config: AppConfig, r: CardRequest, customer: Customer, card: Card | null, now: Date): Promise<SendResult> {
  const body = requestBody(r, customer, card);
  const ts = Math.floor(now.getTime() / 1000);
  let res: Response;
  try {
    res = await fetch(config.cardSystemUrl!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': r.idempotency_key,
        'x-uplink-timestamp': String(ts),
        'x-uplink-signature': signBody(config.cardSystemSecret!, ts, body),
      },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    return { kind: 'retry', error: (err as Error).message.slice(0, 200) };
  }
  const text = await res.text().catch(() => '');
  if (res.status === 202) return { kind: 'accepted' };
  if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: 'retry', error: `HTTP ${res.status}` };
  if (res.status !== 200) return { kind: 'refused', error: `HTTP ${res.status}` };
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: refused below
  }
  const outcome = readOutcome(parsed);
  return outcome ? { kind: 'answered', outcome } : { kind: 'refused', error: 'answer is not {"status":"done"|"declined"}' };
}
