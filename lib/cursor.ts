import type { z } from 'zod';
import { BadRequestError } from './errors';

/** Wraps paging state in an opaque, URL-safe token. */
export function encodeCursor(state: object): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** Reads a token made by `encodeCursor`; anything else is a 400 naming the cursor. */
export function decodeCursor<T extends z.ZodType>(token: string, schema: T): z.infer<T> {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new BadRequestError('cursor is not one this API gave out: start again without it');
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) throw new BadRequestError('cursor is not one this API gave out: start again without it');
  return parsed.data;
}
