import { parseDocument, isAlias, isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';

/** Half-open range of character offsets `[start, end)` in the config text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * A value of a config file with where it sits in the text, the same for YAML and JSON so one
 * validator and one edit planner serve both.
 */
export type TreeNode = ObjectNode | ArrayNode | ScalarNode;

export interface ObjectNode {
  readonly kind: 'object';
  readonly span: Span;
  readonly entries: readonly TreeEntry[];
  /** YAML only: written in flow style (`{a: 1}`), which edits must keep. */
  readonly flow?: boolean;
}

export interface TreeEntry {
  readonly key: string;
  readonly keySpan: Span;
  /** Absent when the key has no value at all (YAML `key:` parses as a null scalar instead). */
  readonly value?: TreeNode;
}

export interface ArrayNode {
  readonly kind: 'array';
  readonly span: Span;
  readonly items: readonly TreeNode[];
  readonly flow?: boolean;
}

export interface ScalarNode {
  readonly kind: 'scalar';
  readonly span: Span;
  /** string, number (YAML may give Infinity), boolean or null. */
  readonly value: string | number | boolean | null;
}

/** A syntax problem found while parsing, with its place. */
export interface SyntaxProblem {
  readonly span: Span;
  readonly message: string;
}

export interface ParsedTree {
  /** Undefined for an empty document. */
  readonly root?: TreeNode;
  readonly problems: readonly SyntaxProblem[];
}

/** The config's format from its file name: `.json` is JSON (with comments), anything else YAML. */
export function configFormatOf(fileName: string): 'yaml' | 'json' {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/** True for `cascade.config.{yaml,yml,json}` and `*.cascade.{yaml,yml,json}` (any folder). */
export function isCascadeConfigFileName(fileName: string): boolean {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return /^cascade\.config\.(ya?ml|json)$/i.test(base) || /^.+\.cascade\.(ya?ml|json)$/i.test(base);
}

/**
 * Parses YAML into a located tree with the `yaml` package's document model. Aliases and
 * custom tags are reported, not followed. O(text length).
 */
export function yamlTree(text: string): ParsedTree {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const problems: SyntaxProblem[] = [...doc.errors, ...doc.warnings].map((e) => ({
    span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1) },
    message: firstLine(e.message),
  }));
  const convert = (node: YamlNode | null | undefined | unknown, fallback: number): TreeNode | undefined => {
    if (node === null || node === undefined) return undefined;
    if (isAlias(node)) {
      const range = node.range ?? [fallback, fallback];
      problems.push({ span: { start: range[0], end: range[1] }, message: 'aliases (*name) are not supported in a cascade config: write the value out.' });
      return undefined;
    }
    if (isScalar(node)) {
      const range = node.range ?? [fallback, fallback];
      const v = node.value;
      const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : String(v);
      return { kind: 'scalar', span: { start: range[0], end: range[1] }, value };
    }
    if (isMap(node)) {
      const range = node.range ?? [fallback, fallback];
      const entries: TreeEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) {
          const at = (pair.key as YamlNode | null)?.range ?? range;
          problems.push({ span: { start: at[0], end: at[1] }, message: 'keys must be plain names.' });
          continue;
        }
        const keyRange = pair.key.range ?? range;
        const value = convert(pair.value, keyRange[1]);
        entries.push({ key: String(pair.key.value), keySpan: { start: keyRange[0], end: keyRange[1] }, ...(value ? { value } : {}) });
      }
      return { kind: 'object', span: { start: range[0], end: trimmedEnd(text, range[0], range[1]) }, entries, ...(node.flow ? { flow: true } : {}) };
    }
    if (isSeq(node)) {
      const range = node.range ?? [fallback, fallback];
      const items: TreeNode[] = [];
      for (const item of node.items) {
        const converted = convert(item, range[0]);
        if (converted) items.push(converted);
      }
      return { kind: 'array', span: { start: range[0], end: trimmedEnd(text, range[0], range[1]) }, items, ...(node.flow ? { flow: true } : {}) };
    }
    return undefined;
  };
  const root = convert(doc.contents, 0);
  return { ...(root ? { root } : {}), problems };
}

/** Parses JSON (comments and trailing commas allowed) into a located tree with `jsonc-parser`. O(text length). */
export function jsonTree(text: string): ParsedTree {
  const errors: ParseError[] = [];
  const node = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems: SyntaxProblem[] = errors.map((e) => ({
    span: { start: e.offset, end: e.offset + Math.max(1, e.length) },
    message: `JSON syntax: ${describeJsonError(printParseErrorCode(e.error))}.`,
  }));
  const convert = (n: JsonNode): TreeNode | undefined => {
    const span = { start: n.offset, end: n.offset + n.length };
    switch (n.type) {
      case 'object': {
        const entries: TreeEntry[] = [];
        for (const prop of n.children ?? []) {
          const [k, v] = prop.children ?? [];
          if (!k) continue;
          const value = v ? convert(v) : undefined;
          entries.push({ key: String(k.value), keySpan: { start: k.offset, end: k.offset + k.length }, ...(value ? { value } : {}) });
        }
        return { kind: 'object', span, entries };
      }
      case 'array':
        return { kind: 'array', span, items: (n.children ?? []).map(convert).filter((x): x is TreeNode => x !== undefined) };
      case 'string':
      case 'number':
      case 'boolean':
      case 'null':
        return { kind: 'scalar', span, value: n.value as string | number | boolean | null };
      default:
        return undefined;
    }
  };
  const root = node ? convert(node) : undefined;
  return { ...(root ? { root } : {}), problems };
}

/** Parses a config text in the given format. */
export function configTree(text: string, format: 'yaml' | 'json'): ParsedTree {
  return format === 'json' ? jsonTree(text) : yamlTree(text);
}

/** The entry of an object node with this key, if any. */
export function entryOf(node: TreeNode | undefined, key: string): TreeEntry | undefined {
  return node?.kind === 'object' ? node.entries.find((e) => e.key === key) : undefined;
}

/** A block collection's range runs to the start of the next line: stop at its last character. */
function trimmedEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /\s/.test(text[e - 1])) e--;
  return e;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

function describeJsonError(code: string): string {
  // printParseErrorCode gives names such as `CommaExpected`: split them into words.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
