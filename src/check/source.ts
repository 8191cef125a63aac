// Parses a YAML or JSON file into plain values, remembering where each mapping key was written so
// that findings can point at the line of the offending key.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { CheckInputError } from '../core/errors';
import { CLOUDFORMATION_TAGS } from './cloudformation-tags';
import { parseJsonSource } from './json-source';

/** 1-based, as editors and SARIF count. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

export interface ParsedSource {
  /** The document as plain JSON-shaped values; CloudFormation short forms are in long form. */
  readonly root: unknown;
  /** Where `key` was written in `container` (a mapping taken from `root`), when it was. */
  positionOf(container: object, key: string): SourcePosition | undefined;
}

/** JSON (what CDK, Terraform and the AWS CLI write) or YAML. */
export function parseSource(text: string): ParsedSource {
  if (/^\uFEFF?\s*[{[]/.test(text)) {
    try {
      return parseJsonSource(text);
    } catch (jsonError) {
      // YAML flow style ({ Resources: ... }) also starts with a brace; if it is not YAML either,
      // the JSON error is the one that helps.
      try {
        return parseYamlSource(text);
      } catch {
        throw jsonError;
      }
    }
  }
  return parseYamlSource(text);
}

function parseYamlSource(text: string): ParsedSource {
  const lineCounter = new LineCounter();
  // The CloudFormation tags are harmless for other formats: JSON has no tags, and other YAML
  // (none of the formats we check) would only see them if it used them.
  const doc = parseDocument(text, { customTags: [...CLOUDFORMATION_TAGS], lineCounter, prettyErrors: false });
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const [error] = doc.errors;
  if (error) {
    const at = toPosition(error.pos[0]);
    throw new CheckInputError(`line ${at.line}, column ${at.column}: ${error.message.split('\n')[0]}`);
  }
  const positions = new WeakMap<object, Map<string, SourcePosition>>();

  const toValue = (node: unknown): unknown => {
    if (isAlias(node)) return toValue(node.resolve(doc as Document));
    if (isMap(node)) {
      const object: Record<string, unknown> = {};
      const keys = new Map<string, SourcePosition>();
      for (const pair of node.items) {
        const keyNode = pair.key as Node | null;
        const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(toValue(keyNode));
        // defineProperty: a "__proto__" key is data, not a prototype.
        Object.defineProperty(object, key, { value: toValue(pair.value), enumerable: true, writable: true, configurable: true });
        if (keyNode?.range) keys.set(key, toPosition(keyNode.range[0]));
      }
      positions.set(object, keys);
      return object;
    }
    if (isSeq(node)) return node.items.map(toValue);
    // Scalars, including the long-form objects the CloudFormation tags resolve to.
    if (isScalar(node)) return node.value;
    return null;
  };

  return { root: toValue(doc.contents), positionOf: (container, key) => positions.get(container)?.get(key) };
}
