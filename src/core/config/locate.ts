import type { CascadeConfig, Located } from './config.ts';
import type { Span } from './tree.ts';

/** The config value under a position, for hovers. */
export type ConfigTarget =
  | { readonly kind: 'threshold'; readonly stageIndex: number; readonly located: Located<number | null> }
  | { readonly kind: 'model'; readonly stageIndex: number; readonly located: Located<string> }
  | { readonly kind: 'price'; readonly located: Located<string> }
  | { readonly kind: 'budget'; readonly located: Located<number> }
  | { readonly kind: 'target'; readonly located: Located<number> }
  | { readonly kind: 'cascade'; readonly span: Span };

const within = (span: Span | undefined, offset: number) => span !== undefined && offset >= span.start && offset <= span.end;
const on = (l: Located<unknown>, offset: number) => within(l.span, offset) || within(l.keySpan, offset);

/** What the offset points at: a threshold, a model name, the budget, the target or the `cascade` key (value or key text). */
export function targetAt(config: CascadeConfig, offset: number): ConfigTarget | undefined {
  const stages = config.cascade?.stages ?? [];
  for (let i = 0; i < stages.length; i++) {
    const { threshold, model } = stages[i];
    if (threshold && on(threshold, offset)) return { kind: 'threshold', stageIndex: i, located: threshold };
    if (model && on(model, offset)) return { kind: 'model', stageIndex: i, located: model };
  }
  for (const m of config.prices?.models ?? []) if (on(m, offset)) return { kind: 'price', located: m };
  if (config.budget && on(config.budget, offset)) return { kind: 'budget', located: config.budget };
  if (config.target && on(config.target, offset)) return { kind: 'target', located: config.target };
  if (config.cascade && within(config.cascade.keySpan, offset)) return { kind: 'cascade', span: config.cascade.keySpan };
  return undefined;
}

/** A value being typed after `key:` on the cursor's line. */
export interface TypedValue {
  readonly key: 'threshold' | 'model' | 'budget' | 'target' | 'confidence';
  /** Offsets within the line: where the value starts and where the cursor is. */
  readonly start: number;
  readonly end: number;
  /** What is typed so far, without quotes. */
  readonly prefix: string;
}

const TYPED = /(?:^|[\s{,])(["']?)(threshold|model|budget|target|confidence)\1\s*:\s*(["']?)([^\s,}\]"'#]*)$/;

/**
 * The value being typed at `column` of a config line (YAML block or flow style, or JSON), when
 * the cursor sits right after `threshold:`, `model:`, `budget:`, `target:` or `confidence:` and a partial value.
 */
export function typedValueAt(line: string, column: number): TypedValue | undefined {
  const before = line.slice(0, column);
  const m = TYPED.exec(before);
  if (!m || /#|\/\//.test(before.slice(0, m.index + 1))) return undefined;
  const prefix = m[4];
  const start = column - prefix.length;
  return { key: m[2] as TypedValue['key'], start, end: column, prefix };
}
