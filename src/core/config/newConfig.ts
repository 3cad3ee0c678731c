import { stringify } from 'yaml';
import type { PolicySpec, SplitInfo } from '../types.ts';
import { significant } from '../format/index.ts';

/** What a new cascade config says. */
export interface NewConfig {
  /** Globs of the eval files, relative to the config's folder. */
  readonly evals: readonly string[];
  /** The split the analysis found; absent to leave the default. */
  readonly split?: SplitInfo;
  /** Dollars per query. */
  readonly budget?: number;
  /** The cascade to write (cheap model first). */
  readonly policy?: PolicySpec;
  /** Why this cascade (its figures), written as comment lines above it (one per line of the note). */
  readonly policyNote?: string;
}

/**
 * A new commented `cascade.config.yaml`: every key with a comment saying what it does, the
 * split as found (so the file states it), the budget with its cost per 1,000 queries, and the
 * cascade. O(size of the text).
 */
export function newConfigText(c: NewConfig): string {
  const lines = [
    '# Cascade Frontier config: which eval files to read, the budget, and the cascade to run.',
    '# Hover a value for its figures; the lenses above the cascade suggest thresholds.',
    '',
    '# Eval result files (JSONL, CSV or harness outputs, optionally gzipped), relative to this file.',
    `evals:\n${indent(stringify([...c.evals]).trimEnd())}`,
    '',
  ];
  const split = splitYaml(c.split);
  if (split) lines.push(`# ${split.comment}`, `split: ${split.value}`, '');
  if (c.budget !== undefined) lines.push(`# Dollars per query ($${plainNumber(c.budget * 1000)} per 1k queries): the recommendation is the best policy within it.`, `budget: ${c.budget}`, '');
  if (c.policy) {
    const stages = c.policy.models.map((model, i) => (i < c.policy!.thresholds.length ? { model, threshold: c.policy!.thresholds[i] } : { model }));
    lines.push('# Cheap model first: a stage answers when its confidence >= threshold, else the query escalates (both calls are paid).');
    if (c.policyNote) lines.push(...c.policyNote.split('\n').map((l) => `# ${l}`));
    lines.push(`cascade:\n${indent(stringify(stages).trimEnd())}`, '');
  }
  return lines.join('\n');
}

function splitYaml(split: SplitInfo | undefined): { comment: string; value: string } | undefined {
  if (!split) return undefined;
  if (split.kind === 'field') {
    return {
      comment: `Calibration queries (${split.nCalibration}) choose the policy; holdout queries (${split.nHoldout}) report it.`,
      value: `{field: ${yamlScalar(split.field ?? 'split')}, calibration: ${yamlScalar(split.calibration ?? 'train')}, holdout: ${yamlScalar(split.holdout ?? 'test')}}`,
    };
  }
  if (split.kind === 'random') {
    return {
      comment: `No split field in the records: a seeded random ${Math.round((split.holdoutFraction ?? 0.5) * 100)}% of the queries (${split.nHoldout}) is held out to report the policy.`,
      value: `{holdoutFraction: ${split.holdoutFraction ?? 0.5}, seed: ${split.seed ?? 1}}`,
    };
  }
  return { comment: 'No holdout: every figure is in-sample.', value: 'none' };
}

/** A string as a plain YAML scalar when that reads back the same, else quoted. */
function yamlScalar(text: string): string {
  return stringify(text).trimEnd();
}

function indent(block: string): string {
  return block
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/**
 * Globs naming exactly the given files (paths relative to the config's folder, `/`-separated):
 * `dir/*.ext` for a folder whose every file with that ending is among them (`others` lists the
 * folder's other files), else the files one by one, glob characters escaped. O(files + others).
 * @example globsNamingFiles(['evals/a.jsonl', 'evals/b.jsonl'], []) // ['evals/*.jsonl']
 */
export function globsNamingFiles(files: readonly string[], others: readonly string[]): string[] {
  const key = (path: string) => {
    const slash = path.lastIndexOf('/');
    const dir = slash < 0 ? '' : path.slice(0, slash + 1);
    const name = path.slice(slash + 1);
    const ext = /(\.[a-z0-9]+(\.gz)?)$/i.exec(name)?.[1] ?? '';
    return { dir, ext };
  };
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const { dir, ext } = key(f);
    const k = `${dir}\u0000${ext}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const blocked = new Set(
    others.map((o) => {
      const { dir, ext } = key(o);
      return `${dir}\u0000${ext}`;
    }),
  );
  const out: string[] = [];
  for (const [k, members] of groups) {
    const [dir, ext] = k.split('\u0000');
    if (ext !== '' && members.length > 1 && !blocked.has(k)) out.push(`${escapeGlob(dir)}*${ext}`);
    else out.push(...members.map(escapeGlob));
  }
  return out.sort();
}

function escapeGlob(path: string): string {
  return path.replace(/[*?[\]{}]/g, '[$&]');
}

/**
 * `$0.000274/query ($0.274 per 1k queries)`: a budget as a person types and reads it, with no
 * trailing zeros (a budget is a chosen round number, not a measure: `$0.00003/query ($0.03 per
 * 1k queries)`), at most four significant digits.
 */
export function budgetText(budget: number): string {
  return `$${plainNumber(budget)}/query ($${plainNumber(budget * 1000)} per 1k queries)`;
}

/** Up to four significant digits without trailing zeros or an exponent: `0.00003`, `0.274`, `12.5`. */
export function plainNumber(x: number): string {
  const text = significant(x, 4);
  return text.includes('.') && !/e/i.test(text) ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
