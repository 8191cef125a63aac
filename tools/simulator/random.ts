/** Seeded PRNG so generated accounts, ids and jitter are reproducible for a seed. */

export type Random = () => number;

/** mulberry32: tiny, fast, good enough for test data (not for anything secret). */
export const mulberry32 = (seed: number): Random => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export const randomInt = (random: Random, maxExclusive: number): number =>
  Math.floor(random() * maxExclusive);

const scratch = Buffer.alloc(64);

/**
 * Hex via a byte buffer: one flat string per call. Generating 100,000 task ids is the generator's
 * hot path, and per-digit concatenation there mostly fed the garbage collector.
 */
export const randomHex = (random: Random, length: number): string => {
  const bytes = Math.ceil(length / 2);
  if (bytes > scratch.length) throw new Error(`randomHex supports up to ${scratch.length * 2} digits`);
  for (let i = 0; i < bytes; i += 4) scratch.writeUInt32BE(Math.floor(random() * 4294967296), i);
  const hex = scratch.toString('hex', 0, bytes);
  return hex.length === length ? hex : hex.slice(0, length);
};

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const randomUpperAlnum = (random: Random, length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += UPPER_ALNUM[randomInt(random, UPPER_ALNUM.length)];
  return out;
};

const BASE64ISH = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
export const randomSecret = (random: Random, length: number): string => {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE64ISH[randomInt(random, BASE64ISH.length)];
  return out;
};

/** Picks `count` distinct indexes of [0, n) (partial Fisher-Yates), in random order. */
export const sampleIndexes = (random: Random, n: number, count: number): number[] => {
  const k = Math.max(0, Math.min(n, count));
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(random, n - i);
    const picked = pool[j] as number;
    pool[j] = pool[i] as number;
    pool[i] = picked;
    out.push(picked);
  }
  return out;
};

/** FNV-1a, 32 bit, hex: stable short digests for opaque ids and page-token binding. */
export const fnv1a = (text: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
};
