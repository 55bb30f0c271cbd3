import { afterEach, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { SmscSimulator } from '../../../src/transport/smpp/simulator';
import { type ChildGateway, postTwilioText, startChildGateway, tail } from '../../helpers/child-gateway';
import { freshDatabase } from '../../helpers/db';
import { FakeTwilio } from '../../helpers/fake-twilio';
import { waitFor } from '../../helpers/wait';
import { luhnValid } from '../../../src/domain/pan';
import { importDocument, parseImport } from '../../../src/domain/import/import';
import { TEST_SECRET } from '../../helpers/gateway';
import type { Kysely } from 'kysely';
import type { Database } from '../../../src/db/schema';
import { addStaff } from '../../../src/domain/staff';
import { approveCampaign, campaignInput, createCampaign } from '../../../src/domain/campaigns/campaigns';

/** Cardholders texting: enough that one's texts seldom queue behind another of theirs (each sender's texts are handled in order). */
const CUSTOMERS = Array.from({ length: 400 }, (_, i) => `+1646556${String(i).padStart(4, '0')}`);
/** Texts in all (SMPP_TEXTS by SMPP, the rest by Twilio webhooks); UPLINK_SCALE_TEXTS overrides it for a quicker local run. */
const TEXTS = Number(process.env.UPLINK_SCALE_TEXTS ?? 10_000);
const TWILIO_TEXTS = Math.round(TEXTS / 10);
const SMPP_TEXTS = TEXTS - TWILIO_TEXTS;
/** Gold customers who consented to marketing: the campaign's audience (they text nothing). */
const AUDIENCE = Array.from({ length: 300 }, (_, i) => `+1646557${String(i).padStart(4, '0')}`);
/** A number as E.164 (SMPP carries it without the plus). */
const e164 = (n: string) => (n.startsWith('+') ? n : `+${n}`);
/** Requests in flight at once, across both gateways. */
const IN_FLIGHT = 48;

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** Runs `count` tasks with at most `width` at once. */
async function pool(count: number, width: number, task: (n: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** The `job ran` lines a gateway logged, as `job@slot`. */
function slotsRun(log: string[]): string[] {
  return log
    .join('')
    .split('\n')
    .filter((l) => l.includes('"msg":"job ran"'))
    .map((l) => JSON.parse(l) as { job: string; slot: string })
    .map((l) => `${l.job}@${l.slot}`);
}

/** An import document of the CUSTOMERS and the AUDIENCE, each with one card, a statement and points. */
function customersDocument(): string {
  const pan = (i: number) => {
    const body = `400000${String(i).padStart(9, '0')}`;
    return body + [...'0123456789'].find((d) => luhnValid(body + d))!;
  };
  const customers = [...CUSTOMERS, ...AUDIENCE].map((mobile, i) => ({
    externalId: `C-S${i}`,
    name: `Holder ${i}`,
    mobile,
    locale: 'en',
    timeZone: 'America/New_York',
    tier: i < CUSTOMERS.length ? 'standard' : 'gold',
    points: 1000 + i,
    marketingConsent: i >= CUSTOMERS.length,
    cards: [
      {
        externalId: `K-S${i}`,
        pan: pan(i),
        product: 'CLASSIC',
        currency: 'USD',
        creditLimit: 5000,
        balance: 120.5,
        status: 'active',
        expiresOn: '2030-01-31',
        statements: [{ externalId: `S-S${i}`, closingDate: '2026-11-05', dueDate: '2026-11-30', balance: 99.5, minimumDue: 25 }],
      },
    ],
  }));
  return JSON.stringify({ customers });
}

/** An approved campaign to the gold customers, due at the first whole minute at least 20 s from now (UTC). */
async function campaignDueSoon(db: Kysely<Database>): Promise<{ id: number; at: Date }> {
  const maker = (await addStaff(db, { externalId: 'MK-S', name: 'Maker', role: 'marketing' })).staff;
  const checker = (await addStaff(db, { externalId: 'SV-S', name: 'Checker', role: 'supervisor' })).staff;
  const at = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
  const input = campaignInput.parse({
    name: 'Scale-out gala',
    purpose: 'Fires once across two processes',
    messages: { en: 'Hi {name}, card {last4}: double points this week. Reply {keyword}' },
    audience: { tiers: ['gold'] },
    schedule: { kind: 'once', at: at.toISOString().slice(0, 16), timeZone: 'UTC' },
    ratePerSecond: 100,
    validityMinutes: 30,
    promotedKeyword: 'JOIN GALA27',
  });
  const c = await createCampaign(db, input, maker, new Date());
  const a = await approveCampaign(db, c.id, checker, new Date());
  if (a.kind !== 'done') throw new Error(JSON.stringify(a));
  return { id: c.id, at };
}

/** Texts a gateway handled, from its own `uplink_inbound_total` counter. */
async function handledBy(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('uplink_inbound_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

describe('two gateway processes on one database', () => {
  it('share the texts, the SMSC and the scheduler: each reply sent once, each cron tick and the campaign run once', async () => {
    const tdb = await freshDatabase();
    const fake = new FakeTwilio();
    await fake.start();
    const sim = new SmscSimulator({ receipts: false });
    await sim.start();
    cleanup.push(
      () => tdb.drop(),
      () => fake.stop(),
      () => sim.stop(),
    );
    await importDocument(tdb.db, parseImport(customersDocument(), 'US'), TEST_SECRET);
    // Each number sends dozens of texts within minutes: the per-number limits are raised out of the way;
    // quiet hours are an empty window so the campaign goes whatever the hour in New York.
    const env = {
      RATE_LIMIT_PER_MINUTE: '1000000',
      DESTINATION_MAX_PER_MINUTE: '1000000',
      LOG_LEVEL: 'info',
      QUIET_HOURS_START: '00:00',
      QUIET_HOURS_END: '00:00',
    };
    const gateways: ChildGateway[] = [];
    for (let i = 0; i < 2; i++) {
      const gw = await startChildGateway(tdb.url, fake, sim, env);
      cleanup.push(() => void (gw.child.exitCode === null && gw.child.kill('SIGKILL')));
      gateways.push(gw);
    }
    const started = new Date();
    const campaign = await campaignDueSoon(tdb.db);
    // Each process binds SMPP_SESSIONS (1) session: two binds against the operator's limit, no more.
    expect(sim.sessions).toBe(2);

    try {
      // SMPP texts: the simulator hands deliver_sm to each bind in turn. Twilio texts: to each gateway's URL in turn.
      const refused: number[] = [];
      await pool(TEXTS, IN_FLIGHT, async (n) => {
        const from = CUSTOMERS[n % CUSTOMERS.length];
        const text = n % 3 === 0 ? 'BILL' : 'PTS';
        if (n < SMPP_TEXTS) {
          const statuses = await sim.inject(from, '95555', text);
          if (statuses.some((s) => s !== 0)) refused.push(n);
        } else {
          const status = await postTwilioText(gateways[n % 2].base, `SMscale${String(n).padStart(6, '0')}`, from, text);
          if (status !== 200) refused.push(n);
        }
      });
      expect(refused).toEqual([]);

      await waitFor(
        'every text handled, every reply and every campaign text sent',
        async () => {
          const { rows } = await sql<{ busy: number; pending: number; campaign: number }>`
            SELECT (SELECT count(*) FROM outbound_messages WHERE status NOT IN ('sent','delivered')) AS busy,
                   (SELECT count(*) FROM inbound_messages WHERE status <> 'processed') AS pending,
                   (SELECT count(*) FROM outbound_messages WHERE campaign_id = ${campaign.id}) AS campaign`.execute(tdb.db);
          return Number(rows[0].busy) === 0 && Number(rows[0].pending) === 0 && Number(rows[0].campaign) > 0;
        },
        180_000,
      );
      // At least one every-minute tick after both were up, so both contended for it.
      await waitFor(
        'a txcheck-sweep tick with both gateways up',
        async () => (await tdb.db.selectFrom('job_runs').select('id').where('name', '=', 'txcheck-sweep').where('as_of', '>', started).execute()).length > 0,
        75_000,
      );

      const texts = await tdb.db.selectFrom('inbound_messages').select(['id', 'channel', 'provider_id']).execute();
      expect(texts.filter((t) => t.channel === 'smpp')).toHaveLength(SMPP_TEXTS);
      const twilioIds = texts.filter((t) => t.channel === 'twilio').map((t) => t.provider_id);
      expect(new Set(twilioIds).size).toBe(TWILIO_TEXTS);

      // One reply per text in the outbox, and exactly that many at the SMSC and at Twilio.
      const outbound = await tdb.db
        .selectFrom('outbound_messages')
        .select(['id', 'inbound_id', 'campaign_id', 'to_number', 'channel', 'provider_id'])
        .execute();
      const replies = outbound.filter((r) => r.inbound_id !== null);
      expect(replies).toHaveLength(TEXTS);
      expect(new Set(replies.map((r) => r.inbound_id)).size).toBe(TEXTS);
      const toCardholders = sim.submits.filter((p) => CUSTOMERS.includes(e164(p.to)));
      // A long reply goes as parts (one submit_sm each): one first part per SMPP text, no submit twice.
      expect(toCardholders.filter((p) => !p.concat || p.concat.seq === 1)).toHaveLength(SMPP_TEXTS);
      expect(new Set(sim.submits.map((p) => p.id)).size).toBe(sim.submits.length);
      expect(fake.messages.filter((m) => CUSTOMERS.includes(m.params.To))).toHaveLength(TWILIO_TEXTS);
      // The campaign ran once (one run, started by one of the two schedulers) and each of its 300 texts left once.
      expect(await tdb.db.selectFrom('campaign_runs').select('slot').where('campaign_id', '=', campaign.id).execute()).toEqual([{ slot: campaign.at }]);
      const campaignTexts = outbound.filter((r) => r.campaign_id === campaign.id);
      expect(campaignTexts.map((r) => r.to_number).sort()).toEqual([...AUDIENCE].sort());
      const campaignSent = [...sim.submits.map((p) => e164(p.to)), ...fake.messages.map((m) => m.params.To)].filter((to) => AUDIENCE.includes(to));
      expect(campaignSent.sort()).toEqual([...AUDIENCE].sort());
      // Every submit the SMSC accepted is recorded against one outbox row (the message's id, or one of its parts').
      const parts = await tdb.db.selectFrom('outbound_parts').select(['outbound_id', 'provider_id']).where('channel', '=', 'smpp').execute();
      const inParts = new Set(parts.map((p) => p.outbound_id));
      const recorded = [...outbound.filter((r) => r.channel === 'smpp' && !inParts.has(r.id)).map((r) => r.provider_id), ...parts.map((p) => p.provider_id)];
      const lower = (ids: (string | null)[]) => ids.map((id) => String(id).toLowerCase()).sort(); // the gateway keeps SMPP ids in lower-case hex
      expect(lower(recorded)).toEqual(lower(sim.submits.map((p) => p.id)));
      // Replies left by both binds.
      expect(new Set(sim.submits.map((p) => p.connection)).size).toBe(2);

      // Both processes took a share (the simulator alternates binds; webhooks alternate URLs): their own counters say so.
      const perGateway = await Promise.all(gateways.map((g) => handledBy(g.base)));
      expect(perGateway.every((n) => n > 0)).toBe(true);
      // A text both processes answered at once (one's recovery sweep took it up while the other answered it) is
      // counted by the one whose outcome was written: the counters add up to the texts exactly.
      expect(perGateway[0] + perGateway[1]).toBe(TEXTS);
      // Each cron tick ran once across both: one job_runs row per (job, minute), and no slot in both logs.
      const { rows: twice } = await sql<{ name: string; minute: Date; runs: string }>`
        SELECT name, date_trunc('minute', as_of) AS minute, count(*) AS runs FROM job_runs
         GROUP BY 1, 2 HAVING count(*) > 1`.execute(tdb.db);
      expect(twice).toEqual([]);
      const [a, b] = gateways.map((g) => slotsRun(g.log));
      expect(a.filter((s) => b.includes(s))).toEqual([]);
      const everyMinute = [...a, ...b].filter((s) => s.startsWith('txcheck-sweep@') && new Date(s.split('@')[1]) >= new Date(started.getTime() - 60_000));
      expect(everyMinute.length).toBeGreaterThan(0);
      expect(new Set(everyMinute).size).toBe(everyMinute.length);
      process.stdout.write(
        `scale-out: ${TEXTS} texts (${SMPP_TEXTS} SMPP, ${TWILIO_TEXTS} Twilio) and a campaign of ${AUDIENCE.length}, handled ${perGateway.join(' + ')} by the two gateways, in ${Math.round((Date.now() - started.getTime()) / 1000)} s\n`,
      );
    } catch (err) {
      const { rows } = await sql`SELECT 'in' AS t, status, count(*) FROM inbound_messages GROUP BY 1, 2
                                 UNION ALL SELECT 'out', status, count(*) FROM outbound_messages GROUP BY 1, 2`.execute(tdb.db);
      process.stdout.write(`statuses: ${JSON.stringify(rows)}; at the SMSC ${sim.submits.length}, at Twilio ${fake.messages.length}\n`);
      gateways.forEach((g, i) => process.stdout.write(`gateway ${i + 1}:\n${tail(g.log)}\n`));
      throw err;
    }
    for (const g of gateways) g.child.kill('SIGTERM');
    expect(await Promise.all(gateways.map((g) => g.exited))).toEqual([0, 0]);
  }, 600_000);
});
