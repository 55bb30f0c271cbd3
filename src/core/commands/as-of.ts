import { formatMoment } from '../messaging/templates';
import type { CommandContext } from './command';

/** One line of a reply and the moment its figures were true at the card system (none: no figure). */
export interface Figure {
  line: string;
  asOf: Date | null;
}

/**
 * The values of a report of figures: `asOf` for its header when every figure was true at the same
 * minute (`none` when they differ, and each line then carries its own), the lines, and `note`, the
 * stale warning when any figure is older than STALE_AFTER_HOURS.
 */
export function figureValues(ctx: CommandContext, figures: Figure[]): { asOf: string; lines: string; note: string } {
  const zone = ctx.customer?.time_zone ?? ctx.config.defaultTimeZone;
  const label = (at: Date) => formatMoment(at, zone, ctx.locale);
  const dated = figures.filter((f): f is { line: string; asOf: Date } => f.asOf !== null);
  const labels = new Set(dated.map((f) => label(f.asOf)));
  const maxAge = ctx.config.staleAfterHours * 3600_000;
  const stale = dated.some((f) => ctx.now.getTime() - f.asOf.getTime() > maxAge);
  const shared = labels.size === 1 ? [...labels][0] : null;
  const lines = figures.map((f) => (shared || !f.asOf ? f.line : ctx.render('common.figure_as_of', { figure: f.line, asOf: label(f.asOf) })));
  return {
    asOf: shared ?? 'none',
    lines: lines.join('\n'),
    note: stale ? `\n${ctx.render('common.stale', { hours: ctx.config.staleAfterHours })}` : '',
  };
}
