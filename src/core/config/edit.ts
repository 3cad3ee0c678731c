import { stringify } from 'yaml';
import { modify, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import type { PolicySpec } from '../types.ts';
import { configTree, entryOf, type ArrayNode, type ObjectNode, type Span, type TreeNode } from './tree.ts';
import { thresholdFromConfigText } from '../format/threshold.ts';

/** A replacement of `length` characters at `offset` by `text`; edits of one plan never overlap. */
export interface TextEditSpec {
  readonly offset: number;
  readonly length: number;
  readonly text: string;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * A threshold as a config value: the number, `null` for +infinity; -Infinity stays a number in
 * YAML (written `-.inf`) and becomes the string `"-Infinity"` in JSON, which has no such number.
 */
function thresholdValue(t: number | null, format: 'yaml' | 'json'): Json {
  if (t === null || t === Infinity) return null;
  return t === -Infinity && format === 'json' ? '-Infinity' : t;
}

/** True when a config's scalar already holds the threshold `t` (`-Infinity` as a number or, in JSON, its string). */
function holdsThreshold(value: unknown, t: number | null): boolean {
  return value === t || (t === -Infinity && typeof value === 'string' && thresholdFromConfigText(value) === -Infinity);
}

/**
 * Edits that set one stage's threshold. `null` writes `null` (always escalate). Only the value's
 * text changes, so comments and layout survive. O(text length).
 */
export function thresholdEdits(text: string, format: 'yaml' | 'json', stageIndex: number, threshold: number | null): TextEditSpec[] {
  if (format === 'json') return jsonModify(text, ['cascade', stageIndex, 'threshold'], thresholdValue(threshold, format));
  const cascade = entryOf(configTree(text, 'yaml').root, 'cascade')?.value;
  const stage = cascade?.kind === 'array' ? cascade.items[stageIndex] : undefined;
  if (stage?.kind !== 'object') throw new Error(`the cascade has no stage ${stageIndex + 1} to set a threshold on.`);
  return yamlSetEntry(text, stage, 'threshold', thresholdValue(threshold, format));
}

/**
 * Edits that make the config's `cascade` run `policy`. When the stage count is unchanged only
 * the model names and thresholds that differ are replaced (comments and layout survive); else
 * the `cascade` value is rewritten in the style it was written in (block or flow). A missing
 * `cascade` is added at the end. O(text length).
 */
export function policyEdits(text: string, format: 'yaml' | 'json', policy: PolicySpec): TextEditSpec[] {
  const stages: Json[] = policy.models.map((model, i): Json => (i < policy.thresholds.length ? { model, threshold: thresholdValue(policy.thresholds[i], format) } : { model }));
  const root = configTree(text, format).root;
  const cascade = entryOf(root, 'cascade')?.value;
  if (cascade?.kind === 'array' && cascade.items.length === policy.models.length) {
    const stageEdits = format === 'json' ? jsonStageEdits(text, cascade, policy) : yamlStageEdits(text, cascade, policy);
    if (stageEdits) return stageEdits;
  }
  if (format === 'json') return jsonModify(text, ['cascade'], stages);
  return yamlSetRootEntry(text, root, 'cascade', stages);
}

/** Edits that set the top-level `budget` (dollars per query), adding the key when it is missing. */
export function budgetEdits(text: string, format: 'yaml' | 'json', budget: number): TextEditSpec[] {
  if (format === 'json') return jsonModify(text, ['budget'], budget);
  return yamlSetRootEntry(text, configTree(text, 'yaml').root, 'budget', budget);
}

/** Edits that set the top-level `confidence` (a signal, or `learned`), adding the key when it is missing. */
export function confidenceEdits(text: string, format: 'yaml' | 'json', value: string): TextEditSpec[] {
  if (format === 'json') return jsonModify(text, ['confidence'], value);
  return yamlSetRootEntry(text, configTree(text, 'yaml').root, 'confidence', value);
}

/** Edits that set the top-level `evals` globs, adding the key when it is missing. */
export function evalsEdits(text: string, format: 'yaml' | 'json', globs: readonly string[]): TextEditSpec[] {
  if (format === 'json') return jsonModify(text, ['evals'], globs);
  return yamlSetRootEntry(text, configTree(text, 'yaml').root, 'evals', globs);
}

/** Applies non-overlapping edits to a text. */
export function applyTextEdits(text: string, edits: readonly TextEditSpec[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.text + out.slice(e.offset + e.length);
  return out;
}

/** A YAML value written on one line: scalars plain when safe, else quoted; collections in flow style. */
export function yamlInline(value: Json): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0, flowCollectionPadding: false }).trimEnd();
}

function jsonModify(text: string, path: JSONPath, value: Json): TextEditSpec[] {
  return modify(text, path, value, { formattingOptions: jsonFormatting(text) }).map((e) => ({ offset: e.offset, length: e.length, text: e.content }));
}

/** Indentation and line ends as the file already uses them. */
function jsonFormatting(text: string): FormattingOptions {
  const indented = /\n([ \t]+)\S/.exec(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indented && indented[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  return { insertSpaces: true, tabSize: indented ? indented[1].length : 2, eol };
}

function jsonStageEdits(text: string, cascade: ArrayNode, policy: PolicySpec): TextEditSpec[] | undefined {
  // Each modify is computed against the text with the previous edits applied, so apply as we go
  // and return one replacement of the cascade's span.
  let current = text;
  const last = policy.models.length - 1;
  for (let i = 0; i <= last; i++) {
    const stage = cascade.items[i];
    if (stage.kind !== 'object' || (i === last && entryOf(stage, 'threshold'))) return undefined;
    const model = entryOf(stage, 'model')?.value;
    if (!(model?.kind === 'scalar' && model.value === policy.models[i])) current = applyTextEdits(current, jsonModify(current, ['cascade', i, 'model'], policy.models[i]));
    if (i < last) {
      const t = entryOf(stage, 'threshold')?.value;
      if (!(t?.kind === 'scalar' && holdsThreshold(t.value, policy.thresholds[i])))
        current = applyTextEdits(current, jsonModify(current, ['cascade', i, 'threshold'], thresholdValue(policy.thresholds[i], 'json')));
    }
  }
  return minimalDiff(text, current);
}

function yamlStageEdits(text: string, cascade: ArrayNode, policy: PolicySpec): TextEditSpec[] | undefined {
  const edits: TextEditSpec[] = [];
  const last = policy.models.length - 1;
  for (let i = 0; i <= last; i++) {
    const stage = cascade.items[i];
    if (stage.kind !== 'object' || (i === last && entryOf(stage, 'threshold'))) return undefined;
    const model = entryOf(stage, 'model');
    if (!model) return undefined;
    if (!(model.value?.kind === 'scalar' && model.value.value === policy.models[i])) edits.push(...yamlSetEntry(text, stage, 'model', policy.models[i]));
    if (i < last) {
      const t = entryOf(stage, 'threshold')?.value;
      if (!(t?.kind === 'scalar' && holdsThreshold(t.value, policy.thresholds[i]) && t.span.end > t.span.start))
        edits.push(...yamlSetEntry(text, stage, 'threshold', thresholdValue(policy.thresholds[i], 'yaml')));
    }
  }
  return edits;
}

/** Sets `key` in a YAML mapping: replaces the value's text, or adds the entry after the last one. */
function yamlSetEntry(text: string, map: ObjectNode, key: string, value: Json): TextEditSpec[] {
  const entry = entryOf(map, key);
  if (entry) return [yamlReplaceValue(text, entry.keySpan, entry.value, value)];
  return [yamlAddEntry(text, map, key, value)];
}

/** Sets a top-level key; a missing `budget` goes before `cascade` so the file reads top-down. */
function yamlSetRootEntry(text: string, root: TreeNode | undefined, key: string, value: Json): TextEditSpec[] {
  if (!root) {
    const sep = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    return [{ offset: text.length, length: 0, text: `${sep}${key}:${yamlBlockValue(value, 0)}\n` }];
  }
  if (root.kind !== 'object') throw new Error('the config is not a mapping of keys; fix its syntax first.');
  const entry = entryOf(root, key);
  if (entry) return [yamlReplaceValue(text, entry.keySpan, entry.value, value)];
  const cascade = entryOf(root, 'cascade');
  if (!root.flow && cascade && key !== 'cascade') {
    const lineStart = text.lastIndexOf('\n', cascade.keySpan.start - 1) + 1;
    const column = columnOf(text, cascade.keySpan.start);
    return [{ offset: lineStart, length: 0, text: `${' '.repeat(column)}${key}:${yamlBlockValue(value, column)}\n` }];
  }
  return [yamlAddEntry(text, root, key, value)];
}

/**
 * Replaces a YAML value keeping its style: a scalar becomes the new scalar's text; a block
 * collection a block collection at the same column; a flow collection a flow collection.
 */
function yamlReplaceValue(text: string, keySpan: Span, node: TreeNode | undefined, value: Json): TextEditSpec {
  const isCollection = typeof value === 'object' && value !== null;
  if (!node || node.span.end <= node.span.start) {
    // `key:` with nothing after it: the value goes after the colon.
    const colon = text.indexOf(':', keySpan.end);
    const at = colon >= 0 ? colon + 1 : keySpan.end;
    return { offset: at, length: 0, text: yamlBlockValue(value, columnOf(text, keySpan.start)) };
  }
  const end = trimEnd(text, node.span.start, node.span.end);
  if (!isCollection || node.kind === 'scalar' || ('flow' in node && node.flow)) {
    return { offset: node.span.start, length: end - node.span.start, text: yamlInline(value) };
  }
  return { offset: node.span.start, length: end - node.span.start, text: indentAfterFirst(blockText(value), columnOf(text, node.span.start)) };
}

/** Adds `key: value` as the last entry of a mapping (flow: before the closing brace; block: on a new line after the last entry's line). */
function yamlAddEntry(text: string, map: ObjectNode, key: string, value: Json): TextEditSpec {
  if (map.flow) {
    const lastEntry = map.entries[map.entries.length - 1];
    if (!lastEntry) return { offset: map.span.start + 1, length: 0, text: `${key}: ${yamlInline(value)}` };
    const after = lastEntry.value ? trimEnd(text, lastEntry.value.span.start, lastEntry.value.span.end) : lastEntry.keySpan.end;
    return { offset: after, length: 0, text: `, ${key}: ${yamlInline(value)}` };
  }
  const first = map.entries[0];
  const column = first ? columnOf(text, first.keySpan.start) : 0;
  const lastEntry = map.entries[map.entries.length - 1];
  const lastEnd = lastEntry ? (lastEntry.value ? trimEnd(text, lastEntry.keySpan.start, lastEntry.value.span.end) : lastEntry.keySpan.end) : map.span.end;
  let lineEnd = text.indexOf('\n', lastEnd);
  if (lineEnd < 0) lineEnd = text.length;
  if (lineEnd > 0 && text[lineEnd - 1] === '\r') lineEnd--;
  return { offset: lineEnd, length: 0, text: `\n${' '.repeat(column)}${key}:${yamlBlockValue(value, column)}` };
}

/** The text after `key:` for a value in block style: ` scalar` or a new line and the collection indented. */
function yamlBlockValue(value: Json, keyColumn: number): string {
  if (typeof value !== 'object' || value === null) return ` ${yamlInline(value)}`;
  const column = keyColumn + 2;
  return `\n${' '.repeat(column)}${indentAfterFirst(blockText(value), column)}`;
}

function blockText(value: Json): string {
  return stringify(value, { collectionStyle: 'block', lineWidth: 0, indentSeq: true }).trimEnd();
}

function indentAfterFirst(block: string, column: number): string {
  const pad = ' '.repeat(column);
  return block
    .split('\n')
    .map((line, i) => (i === 0 || line === '' ? line : pad + line))
    .join('\n');
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** Moves `end` back over trailing blanks, newlines and comment-only lines, never before `start`. */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  for (;;) {
    while (e > start && /\s/.test(text[e - 1])) e--;
    // A trailing comment line of a block collection belongs to what follows it.
    const lineStart = text.lastIndexOf('\n', e - 1) + 1;
    const line = text.slice(Math.max(lineStart, start), e);
    if (lineStart > start && /^\s*#/.test(line)) {
      e = lineStart;
      continue;
    }
    return e;
  }
}

/** The single replacement turning `a` into `b` (common prefix and suffix kept). */
function minimalDiff(a: string, b: string): TextEditSpec[] {
  if (a === b) return [];
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return [{ offset: p, length: a.length - p - s, text: b.slice(p, b.length - s) }];
}
