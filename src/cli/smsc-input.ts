import { z } from 'zod';
import { formatPath } from '../shared/field-path';

/** An SMPP address: up to 20 digits or letters (source_addr is a C string of 21), `+` allowed first. */
const address = z.string().regex(/^\+?[0-9A-Za-z]{1,20}$/, 'expected 1–20 digits or letters, optionally after a +');

/** What the simulator injects: a text from a phone to the bound gateway. */
const injectionSchema = z.strictObject({
  from: address,
  to: address.optional(),
  text: z.string().min(1, 'must not be empty').max(2000, 'longer than 2,000 characters'),
});

/** A text to inject, `to` filled in. */
export type Injection = Required<z.infer<typeof injectionSchema>>;

/** An injection, or every reason it cannot be one (field path and message). */
export type ParsedInjection = { ok: true; injection: Injection } | { ok: false; errors: { path: string; message: string }[] };

function validate(value: unknown, defaultTo: string): ParsedInjection {
  const parsed = injectionSchema.safeParse(value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
  return { ok: true, injection: { ...parsed.data, to: parsed.data.to ?? defaultTo } };
}

/** Reads a `POST /inject` body: JSON `{"from", "to"?, "text"}`. */
export function parseInjectionBody(body: string, defaultTo: string): ParsedInjection {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    return { ok: false, errors: [{ path: '(body)', message: `not JSON: ${(err as Error).message}` }] };
  }
  return validate(value, defaultTo);
}

/** Reads a prompt line, `<from> <text>` (the text may hold spaces); undefined for a blank line. */
export function parsePromptLine(line: string, defaultTo: string): ParsedInjection | undefined {
  const trimmed = line.trim();
  if (trimmed === '') return undefined;
  const space = trimmed.search(/\s/);
  if (space < 0) return { ok: false, errors: [{ path: 'text', message: 'type "<from> <text>", e.g. +8613800138000 余额' }] };
  return validate({ from: trimmed.slice(0, space), text: trimmed.slice(space).trim() }, defaultTo);
}
