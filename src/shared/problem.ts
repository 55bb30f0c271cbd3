import type { Response } from 'express';
import type { ZodError } from 'zod';
import { formatPath } from './field-path';

/** Sends an RFC 9457 problem+json answer. */
export function problem(res: Response, status: number, title: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title, status, ...extra }));
}

/** A 400 problem listing every invalid field of a request body or query. */
export function invalid(res: Response, error: ZodError): void {
  problem(res, 400, 'Invalid request', {
    errors: error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  });
}
