// A JSON parser that remembers where each key was written. JSON is YAML 1.2 and source.ts could
// read it, but the yaml package builds a full syntax tree first: a 21 MB Terraform plan took 30 s
// and 1.4 GB there. This reads plans of that size in about a second.
import { CheckInputError } from '../core/errors';
import type { ParsedSource, SourcePosition } from './source';

export function parseJsonSource(text: string): ParsedSource {
  const positions = new WeakMap<object, Map<string, SourcePosition>>();
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): SourcePosition => ({ line, column: pos - lineStart + 1 });
  const fail = (what: string): never => {
    const at = here();
    throw new CheckInputError(`line ${at.line}, column ${at.column}: ${what}`);
  };
  // JSON strings cannot hold a raw line break, so lines only end in whitespace.
  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x0a) {
        line++;
        lineStart = ++pos;
      } else if (c === 0x20 || c === 0x09 || c === 0x0d) {
        pos++;
      } else {
        return;
      }
    }
  };
  const expect = (char: string): void => {
    skipWhitespace();
    if (text[pos] !== char) fail(text[pos] === undefined ? `expected "${char}", found the end of the file` : `expected "${char}"`);
    pos++;
  };

  const string = (): string => {
    let end = pos + 1;
    for (;;) {
      end = text.indexOf('"', end);
      if (end < 0) fail('unterminated string');
      let backslashes = 0;
      while (text[end - 1 - backslashes] === '\\') backslashes++;
      if (backslashes % 2 === 0) break;
      end++;
    }
    const raw = text.slice(pos, end + 1);
    if (/[\n\r]/.test(raw)) fail('line break inside a string');
    let decoded = '';
    try {
      decoded = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    } catch {
      fail('invalid string');
    }
    pos = end + 1;
    return decoded;
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const LITERALS: ReadonlyArray<readonly [string, unknown]> = [['true', true], ['false', false], ['null', null]];

  const value = (): unknown => {
    skipWhitespace();
    const c = text[pos];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    for (const [word, literal] of LITERALS) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return literal;
      }
    }
    NUMBER.lastIndex = pos;
    const number = NUMBER.exec(text);
    if (!number) return fail(c === undefined ? 'unexpected end of the file' : `unexpected character ${JSON.stringify(c)}`);
    pos += number[0].length;
    return Number(number[0]);
  };

  /** The comma-separated members of an object or array, from its opening bracket to `close`. */
  const members = (close: '}' | ']', member: () => void): void => {
    pos++;
    skipWhitespace();
    if (text[pos] === close) {
      pos++;
      return;
    }
    for (;;) {
      member();
      skipWhitespace();
      if (text[pos] !== ',') break;
      pos++;
    }
    expect(close);
  };

  const object = (): Record<string, unknown> => {
    const result: Record<string, unknown> = {};
    const keys = new Map<string, SourcePosition>();
    positions.set(result, keys);
    members('}', () => {
      skipWhitespace();
      if (text[pos] !== '"') fail('expected a property name in double quotes');
      const at = here();
      const key = string();
      expect(':');
      // defineProperty: a "__proto__" key is data, not a prototype.
      Object.defineProperty(result, key, { value: value(), enumerable: true, writable: true, configurable: true });
      keys.set(key, at);
    });
    return result;
  };

  const array = (): unknown[] => {
    const result: unknown[] = [];
    members(']', () => result.push(value()));
    return result;
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1; // a byte order mark some editors write
  const root = value();
  skipWhitespace();
  if (pos < text.length) fail('unexpected content after the JSON value');
  return { root, positionOf: (container, key) => positions.get(container)?.get(key) };
}
