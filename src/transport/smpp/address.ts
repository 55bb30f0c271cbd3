import { alphanumericSender } from '../../shared/sender';

/** An SMPP address with its type of number (TON) and numbering plan indicator (NPI). */
export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

/** A configured sender: the address, with TON/NPI when they must not be inferred. */
export interface SenderSetting {
  addr: string;
  ton?: number;
  npi?: number;
}

/** TON values used here (SMPP 3.4 §5.2.5). */
export const TON = { unknown: 0, international: 1, national: 2, networkSpecific: 3, alphanumeric: 5 } as const;

/**
 * The sender address as sent in submit_sm. Inferred unless configured: `+8695555` international
 * (1/1), digits only — a short code or national number — unknown/ISDN (0/1), anything with letters
 * alphanumeric (5/0).
 */
export function sourceAddress(s: SenderSetting): SmppAddress {
  const international = s.addr.startsWith('+');
  const addr = international ? s.addr.slice(1) : s.addr;
  const inferred = international ? { ton: TON.international, npi: 1 } : /^\d+$/.test(addr) ? { ton: TON.unknown, npi: 1 } : { ton: TON.alphanumeric, npi: 0 };
  return { addr, ton: s.ton ?? inferred.ton, npi: s.npi ?? inferred.npi };
}

/** The sender for a recipient of `tier`: that tier's sender when one is configured, else the default. */
export function senderFor(tier: string | null, tiers: Readonly<Record<string, SenderSetting>>, fallback: SenderSetting): SenderSetting {
  return (tier && tiers[tier]) || fallback;
}

/** A recipient's E.164 number as an SMPP destination: international, ISDN (1/1), without the `+`. */
export function destinationAddress(e164: string): SmppAddress {
  return { addr: e164.replace(/^\+/, ''), ton: TON.international, npi: 1 };
}

/**
 * A sender address from a deliver_sm, as the core reads it: international numbers get their `+`;
 * an alphanumeric address (TON 5) is marked as not a phone number, whatever it looks like, so
 * `8613800138000` sent as TON 5 is never read as that customer's phone.
 */
export function receivedAddress(addr: string, ton: number): string {
  if (ton === TON.alphanumeric) return alphanumericSender(addr);
  return ton === TON.international && /^\d+$/.test(addr) ? `+${addr}` : addr;
}
