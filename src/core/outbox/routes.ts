import type { MessageClass } from '../../db/schema';

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
