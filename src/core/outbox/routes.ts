import type { MessageClass } from '../../db/schema';
import type { Clock } from '../../shared/clock';
import type { SmsTransport } from '../../transport/types';

/** One rule of the route table: destinations by prefix and class, sent via transports in order. */
export interface Route {
  prefix?: string[];
  class?: MessageClass[];
  via: string[];
}

/**
 * An ordered route table (after jasmin's routing tables): the first rule whose prefix and class
 * match wins, its `via` list is tried in order (failover), and the last rule must match everything.
 */
export class RouteTable {
  constructor(
    readonly routes: readonly Route[],
    transports: readonly string[],
  ) {
    const last = routes.at(-1);
    if (!last || last.prefix?.length || last.class?.length) throw new Error('route table: the last route must be a default (no prefix, no class)');
    for (const [i, r] of routes.entries()) {
      for (const name of r.via)
        if (!transports.includes(name))
          throw new Error(`route table: routes[${i}].via names transport "${name}", which is not enabled (enabled: ${transports.join(', ')})`);
    }
  }

  /** Transports to try for a destination and class, best first; `preferred` (the channel a text came in on) leads. */
  candidates(to: string, cls: MessageClass, preferred: string | null): string[] {
    const route = this.routes.find((r) => (!r.prefix?.length || r.prefix.some((p) => to.startsWith(p))) && (!r.class?.length || r.class.includes(cls)))!;
    return preferred ? [preferred, ...route.via.filter((v) => v !== preferred)] : [...route.via];
  }
}

/** What picking a transport needs to know of a message. */
type Routed = { to_number: string; class: MessageClass; channel: string | null };

/**
 * Picks a message's transport: the first candidate of its route that is enabled, up, not cooling
 * down after answering "unavailable", and not blocked for the number (the provider said the
 * recipient opted out of it).
 */
export class TransportPicker {
  // Bounded: one per transport.
  private readonly downUntil = new Map<string, number>();

  constructor(
    private readonly routes: RouteTable,
    private readonly transports: ReadonlyMap<string, SmsTransport>,
    private readonly clock: Clock,
  ) {}

  /** The transport for `msg`, or undefined when none of its route can take it now. */
  pick(msg: Routed, blocked: ReadonlySet<string> = new Set()): string | undefined {
    const now = this.clock().getTime();
    const preferred = msg.channel && this.transports.has(msg.channel) ? msg.channel : null;
    return this.routes.candidates(msg.to_number, msg.class, preferred).find((name) => {
      const t = this.transports.get(name);
      return t && !blocked.has(`${msg.to_number} ${name}`) && (this.downUntil.get(name) ?? 0) <= now && t.isUp?.() !== false;
    });
  }

  /** Skips a transport for `ms`: it claimed to be up, yet answered "unavailable". */
  coolDown(name: string, ms: number): void {
    this.downUntil.set(name, this.clock().getTime() + ms);
  }
}
