import type { FileCostSource } from '../types.ts';

/** Where one model's costs came from: `the records' cost`, `tokens x price entry "k"`, `estimated tokens x price entry "k"`, or how many records each. */
export function costSourceText(c: FileCostSource): string {
  const entry = c.priceKey !== undefined ? `price entry ${JSON.stringify(c.priceKey)}` : 'the price table';
  const parts: [number, string][] = [
    [c.fromRecords, "the records' cost"],
    [c.fromTokens, `tokens x ${entry}`],
    [c.fromEstimatedTokens, `estimated tokens x ${entry}`],
  ];
  const used = parts.filter(([n]) => n > 0);
  if (used.length === 1) return used[0]![1];
  return used.map(([n, what]) => `${what} (${n} record${n === 1 ? '' : 's'})`).join(' and ');
}

/**
 * Where the costs of a file's models came from, in one phrase: `the records' cost` for a file
 * of one model (or whose models all have the same source), else each source with its models,
 * `the records' cost (a, c) | tokens x price entry "b" (b)`. Empty without costs.
 */
export function costSourcesText(costs: readonly FileCostSource[] | undefined): string {
  if (!costs || costs.length === 0) return '';
  const bySource = new Map<string, string[]>();
  for (const c of costs) {
    const text = costSourceText(c);
    bySource.set(text, [...(bySource.get(text) ?? []), c.model]);
  }
  if (bySource.size === 1) return [...bySource.keys()][0]!;
  return [...bySource].map(([text, models]) => `${text} (${models.join(', ')})`).join(' | ');
}
