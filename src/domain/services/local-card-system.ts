import { sql } from 'kysely';
import type { Db } from '../../db/schema';
import { audit } from '../audit';
import type { CardOutcome, CardRequest } from '../card-requests';

type Payload = Record<string, unknown>;
type Apply = (db: Db, r: CardRequest, p: Payload, now: Date) => Promise<CardOutcome>;

const setCard =
  (column: 'locked' | 'overseas_use' | 'online_use' | 'estatement', value: (p: Payload) => boolean): Apply =>
  async (db, r, p) => {
    await db
      .updateTable('cards')
      .set({ [column]: value(p) })
      .where('id', '=', r.card_id!)
      .execute();
    return { status: 'done' };
  };

/** How the built-in card system applies each kind of request to Uplink's own tables (the demo, no CARD_SYSTEM_URL). */
const LOCAL: Readonly<Record<string, Apply>> = {
  lock: setCard('locked', () => true),
  unlock: setCard('locked', () => false),
  overseas: setCard('overseas_use', (p) => p.on === true),
  online: setCard('online_use', (p) => p.on === true),
  estmt: setCard('estatement', (p) => p.on === true),
  async temp(db, r, p) {
    await db
      .updateTable('cards')
      .set({ temp_limit: Number(p.newLimit), temp_limit_until: String(p.until) })
      .where('id', '=', r.card_id!)
      .execute();
    return { status: 'done' };
  },
  async redeem(db, r, p) {
    const row = await db
      .updateTable('customers')
      .set({ points: sql<number>`points - ${Number(p.points)}` })
      .where('id', '=', r.customer_id)
      .where('points', '>=', Number(p.points))
      .returning('points')
      .executeTakeFirst();
    return row ? { status: 'done', values: { left: row.points } } : { status: 'declined', reason: 'points' };
  },
  async travel(db, r, p, now) {
    await db
      .insertInto('travel_notices')
      .values({ customer_id: r.customer_id, countries: p.countries as string[], from_day: String(p.from), to_day: String(p.to), created_at: now })
      .execute();
    return { status: 'done' };
  },
  // A plan and a new card are the card system's own records; locally they are the audit trail's.
  async instal(db, r, p) {
    await audit(db, { actorType: 'system', channel: 'card-system', action: 'instalment.booked', subject: `card:${r.card_id}`, details: p });
    return { status: 'done' };
  },
  async replace(db, r, p) {
    await audit(db, { actorType: 'system', channel: 'card-system', action: 'card.replacement', subject: `card:${r.card_id}`, details: p });
    return { status: 'done' };
  },
};

/** Applies a request as the built-in card system, in the caller's transaction. */
export async function applyLocally(db: Db, r: CardRequest, now: Date): Promise<CardOutcome> {
  const apply = LOCAL[r.kind];
  if (!apply) return { status: 'declined', reason: 'unsupported' };
  return apply(db, r, r.payload, now);
}
