import { AwsError } from './errors';
import { fnv1a } from './random';

/**
 * Page tokens are opaque offsets bound to the query that produced them (operation, account,
 * Region, filters), so reusing a token with other parameters fails loudly instead of skipping data.
 */
export const encodePageToken = (binding: string, offset: number): string =>
  Buffer.from(JSON.stringify({ b: fnv1a(binding), o: offset })).toString('base64url');

export const decodePageToken = (
  token: string | undefined,
  binding: string,
  invalid: () => AwsError,
): number => {
  if (token === undefined || token === null) return 0;
  if (typeof token !== 'string' || token.length === 0) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { b, o } = parsed as { b?: unknown; o?: unknown };
  if (b !== fnv1a(binding) || typeof o !== 'number' || !Number.isInteger(o) || o < 0) throw invalid();
  return o;
};

/** One page of `items` from `offset`, with the token for the next page when there is one. */
export const page = <T>(
  items: readonly T[],
  offset: number,
  size: number,
  binding: string,
): { items: T[]; nextToken?: string } => {
  const slice = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { items: slice, nextToken: encodePageToken(binding, next) } : { items: slice };
};
