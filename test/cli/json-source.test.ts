// The position-tracking JSON reader agrees with JSON.parse on values and with editors on positions.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonSource } from '../../src/check/json-source';
import { parseSource } from '../../src/check/source';
import { FIXTURES, REPO_ROOT } from './helpers';

const jsonFixtures = readdirSync(join(REPO_ROOT, FIXTURES), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));

describe('parseJsonSource', () => {
  it.each(jsonFixtures)('reads %s to the same values as JSON.parse', (file) => {
    const text = readFileSync(join(REPO_ROOT, FIXTURES, file), 'utf8');
    expect(parseJsonSource(text).root).toEqual(JSON.parse(text));
  });

  it('gives the 1-based line and column of each key', () => {
    const source = parseJsonSource('{\n  "a": {\r\n\t"pidMode": "host", "b": [1, {"c": null}]}\n}');
    const a = (source.root as any).a;
    expect(source.positionOf(source.root as object, 'a')).toEqual({ line: 2, column: 3 });
    expect(source.positionOf(a, 'pidMode')).toEqual({ line: 3, column: 2 });
    expect(source.positionOf(a, 'b')).toEqual({ line: 3, column: 21 });
    expect(source.positionOf(a.b[1], 'c')).toEqual({ line: 3, column: 31 });
  });

  it('decodes escapes, numbers and literals as JSON.parse does', () => {
    const text = '{"s": "a\\"b\\\\\\u00e9\\n", "n": [-1.5e3, 0, 12], "l": [true, false, null], "e": {}, "x": []}';
    expect(parseJsonSource(text).root).toEqual(JSON.parse(text));
  });

  it('keeps a "__proto__" key as data', () => {
    const root = parseJsonSource('{"__proto__": {"polluted": true}}').root as Record<string, unknown>;
    expect(Object.keys(root)).toEqual(['__proto__']);
    expect((root as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": 1,}', 'line 1, column 9: expected a property name in double quotes'],
    ['{"a": 1\n"b": 2}', 'line 2, column 1: expected "}"'],
    ['{"a": tru}', 'line 1, column 7: unexpected character "t"'],
    ['{"a": "x', 'line 1, column 7: unterminated string'],
    ['{"a": 1} x', 'line 1, column 10: unexpected content after the JSON value'],
    ['[1, 2', 'line 1, column 6: expected "]", found the end of the file'],
  ])('rejects %j with the position of the error', (text, message) => {
    expect(() => parseJsonSource(text)).toThrow(message);
  });
});

describe('parseSource', () => {
  it('reads YAML flow style that starts with a brace but is not JSON', () => {
    expect(parseSource('{Resources: {}}').root).toEqual({ Resources: {} });
  });

  it('reports the JSON error for a file that is neither JSON nor YAML', () => {
    expect(() => parseSource('{"Resources": {"A": [}}')).toThrow('line 1, column 22: unexpected character "}"');
  });

  it('reads YAML, short-form intrinsics, anchors and aliases', () => {
    const source = parseSource('Base: &base {PidMode: !Ref Mode}\nCopy: *base\n');
    expect(source.root).toEqual({ Base: { PidMode: { Ref: 'Mode' } }, Copy: { PidMode: { Ref: 'Mode' } } });
    expect(source.positionOf((source.root as any).Base, 'PidMode')).toEqual({ line: 1, column: 14 });
  });
});
