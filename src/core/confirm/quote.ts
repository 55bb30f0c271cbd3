import type { Card } from '../../db/schema';
import { pendingCheckRefs } from '../../domain/checks';
import { insertConfirmation } from '../../domain/confirmations';
import { displayCard } from '../../domain/pan';
import type { TemplateValues } from '../messaging/templates';
import type { CommandContext } from '../commands/command';

/**
 * Quotes an account action: stores it as a pending confirmation of `kind` (what it would do in
 * `payload`, applied only on `Y <ref>` from this number before it expires) and answers the quote
 * `template` with the reference and the window. Needs the customer (their registered number).
 */
export async function quote(
  ctx: CommandContext,
  kind: string,
  card: Card | null,
  payload: Record<string, unknown>,
  template: string,
  values: TemplateValues,
): Promise<void> {
  const customer = ctx.customer!;
  const minutes = ctx.config.confirmWindowMinutes;
  const taken = await pendingCheckRefs(ctx.db, customer.id);
  const c = await insertConfirmation(
    ctx.db,
    {
      customerId: customer.id,
      phone: ctx.sender,
      kind,
      cardId: card?.id ?? null,
      payload: { ...payload, ...(card ? { card: card.last4, cardExternalId: card.external_id } : {}) },
      expiresAt: new Date(ctx.now.getTime() + minutes * 60_000),
    },
    ctx.now,
    taken,
  );
  await ctx.audit('confirmation.quoted', `confirmation:${c.ref}`, { kind });
  ctx.reply(template, { ...values, ...(card ? { card: displayCard(card.last4) } : {}), ref: c.ref, minutes }, { class: 'security' });
}
