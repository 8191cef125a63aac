/**
 * The subset of Config advanced query (SelectResourceConfig) the simulator understands:
 *
 *   SELECT <field>[, <field>...] WHERE resourceType = '<type>'
 *     [AND arn IN ('<arn>', ...) | AND resourceId IN ('<id>', ...)] [AND configuration.PidMode = '<value>']
 *
 * Keywords are case-insensitive, strings single-quoted with '' as escape, conditions in any order.
 * Anything else is rejected rather than half-understood, so a rule cannot rely on a query
 * the simulator would answer differently from Config.
 */
import { AwsError } from './errors';

export const SELECTABLE_FIELDS = [
  'resourceId',
  'resourceName',
  'resourceType',
  'arn',
  'accountId',
  'awsRegion',
  'configuration.PidMode',
  'configuration.Family',
  'configuration.Status',
  'configuration.TaskDefinitionArn',
] as const;
export type SelectableField = (typeof SELECTABLE_FIELDS)[number];

export interface SelectQuery {
  fields: SelectableField[];
  resourceType: string;
  arns?: string[];
  resourceIds?: string[];
  pidMode?: string;
}

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'punct'; text: ',' | '(' | ')' | '='; at: number };

const invalid = (message: string): AwsError => new AwsError('InvalidExpressionException', message);

const tokenize = (expression: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expression.length) {
    const ch = expression[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === ',' || ch === '(' || ch === ')' || ch === '=') {
      tokens.push({ kind: 'punct', text: ch, at: i });
      i += 1;
    } else if (ch === "'") {
      const start = i;
      let text = '';
      i += 1;
      for (;;) {
        if (i >= expression.length) throw invalid(`Unterminated string literal at position ${start}`);
        const c = expression[i] as string;
        if (c === "'") {
          if (expression[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += c;
        i += 1;
      }
      tokens.push({ kind: 'string', text, at: start });
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(expression.slice(i));
      if (!match) throw invalid(`Unexpected character '${ch}' at position ${i}`);
      tokens.push({ kind: 'word', text: match[0], at: i });
      i += match[0].length;
    }
  }
  return tokens;
};

export const parseSelectExpression = (expression: string): SelectQuery => {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const describe = (t: Token | undefined): string => (t ? `'${t.text}' at position ${t.at}` : 'end of expression');
  const keyword = (word: string): void => {
    const t = tokens[pos];
    if (!t || t.kind !== 'word' || t.text.toUpperCase() !== word) throw invalid(`Expected ${word} but found ${describe(t)}`);
    pos += 1;
  };
  const punct = (p: string): void => {
    const t = tokens[pos];
    if (!t || t.kind !== 'punct' || t.text !== p) throw invalid(`Expected '${p}' but found ${describe(t)}`);
    pos += 1;
  };
  const literal = (): string => {
    const t = tokens[pos];
    if (!t || t.kind !== 'string') throw invalid(`Expected a string literal but found ${describe(t)}`);
    pos += 1;
    return t.text;
  };

  keyword('SELECT');
  const fields: SelectableField[] = [];
  for (;;) {
    const t = tokens[pos];
    if (!t || t.kind !== 'word' || !(SELECTABLE_FIELDS as readonly string[]).includes(t.text)) {
      throw invalid(`Unsupported select field ${describe(t)}`);
    }
    if (!fields.includes(t.text as SelectableField)) fields.push(t.text as SelectableField);
    pos += 1;
    if (peek()?.kind === 'punct' && peek()?.text === ',') {
      pos += 1;
      continue;
    }
    break;
  }
  keyword('WHERE');
  const query: SelectQuery = { fields, resourceType: '' };
  let sawType = false;
  for (;;) {
    const t = tokens[pos];
    if (!t || t.kind !== 'word') throw invalid(`Expected a condition but found ${describe(t)}`);
    pos += 1;
    if (t.text === 'resourceType' && !sawType) {
      punct('=');
      query.resourceType = literal();
      sawType = true;
    } else if ((t.text === 'arn' || t.text === 'resourceId') && query.arns === undefined && query.resourceIds === undefined) {
      keyword('IN');
      punct('(');
      const values = [literal()];
      while (peek()?.kind === 'punct' && peek()?.text === ',') {
        pos += 1;
        values.push(literal());
      }
      punct(')');
      if (t.text === 'arn') query.arns = values;
      else query.resourceIds = values;
    } else if (t.text === 'configuration.PidMode' && query.pidMode === undefined) {
      punct('=');
      query.pidMode = literal();
    } else {
      throw invalid(`Unsupported condition ${describe(t)}`);
    }
    if (pos >= tokens.length) break;
    keyword('AND');
  }
  if (!sawType) throw invalid('The simulator requires a resourceType = condition');
  return query;
};

/** The selected fields of one item, nested as Config returns them ("configuration.PidMode" -> configuration: {PidMode}). */
export const projectFields = (
  fields: readonly SelectableField[],
  top: Readonly<Record<string, unknown>>,
  configurationValue: (key: string) => unknown,
): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (field.startsWith('configuration.')) {
      const value = configurationValue(field.slice('configuration.'.length));
      if (value === undefined) continue;
      const nested = (out.configuration ??= {}) as Record<string, unknown>;
      nested[field.slice('configuration.'.length)] = value;
    } else if (top[field] !== undefined) {
      out[field] = top[field];
    }
  }
  return out;
};
