/**
 * The text of the status bar item's tooltip (no editor API, so it can be tested alone): the
 * analysis, its diagnosis, the recommendation, the files read, each model's price entry and the problems.
 */
import type { AnalysisSnapshot } from './analysisSource.ts';
import type { FileSummary } from '../core/types.ts';
import { per1k, percent, policyShort } from '../core/format/index.ts';
import { describePriceMatch } from '../core/prices/index.ts';
import { costSourcesText } from '../core/format/costs.ts';

export function tooltipText(s: AnalysisSnapshot): string {
  const parts: string[] = [];
  const md = { appendText: (t: string) => parts.push(t) };
  md.appendText(`Cascade Frontier: ${s.label}\n\n`);
  if (s.status === 'computing') md.appendText('Recomputing…\n\n');
  if (s.status === 'error' && s.error) md.appendText(`Last recompute failed: ${s.error}${s.result ? ' (showing the last good result)' : ''}\n\n`);
  const r = s.result;
  if (r) {
    md.appendText(`${r.models.length} models, ${r.n} queries (${r.split.nCalibration} calibration, ${r.split.nHoldout} holdout)`);
    if (s.computedAt) md.appendText(`, computed at ${new Date(s.computedAt).toLocaleTimeString()}${s.durationMs !== undefined ? ` in ${(s.durationMs / 1000).toFixed(1)} s` : ''}`);
    md.appendText('\n\n');
    // The diagnosis, as the panel and the command line say it.
    for (const line of r.diagnosis?.lines ?? []) md.appendText(`${line.trim()}\n\n`);
    const choice = r.recommendation?.choice;
    if (choice) md.appendText(`Recommended at ${per1k(r.recommendation!.budget ?? choice.cost)}: ${policyShort(choice.policy)}, ${percent(choice.quality)}\n\n`);
  }
  if (s.files.length > 0) {
    md.appendText('Files read:\n');
    for (const f of s.files.slice(0, MAX_FILES_IN_TOOLTIP)) md.appendText(`- ${fileLine(f)}\n`);
    if (s.files.length > MAX_FILES_IN_TOOLTIP) md.appendText(`- … and ${s.files.length - MAX_FILES_IN_TOOLTIP} more (the panel lists every file)\n`);
    md.appendText('\n');
  }
  if (s.prices && s.prices.length > 0) {
    md.appendText('Prices (models priced from tokens):\n');
    for (const p of s.prices) md.appendText(`- ${describePriceMatch(p)}\n`);
    md.appendText('\n');
  }
  const problems = s.issues.length;
  if (problems > 0) md.appendText(`${problems} problem${problems === 1 ? '' : 's'} in the eval files (see the Problems panel)\n\n`);
  md.appendText('Click to show the frontier.');
  return parts.join('');
}

/** Files listed in the tooltip; the panel lists all of them. */
const MAX_FILES_IN_TOOLTIP = 8;

/** One file's summary: name, format, models, records, what was derived and what is missing. */
export function fileLine(f: FileSummary): string {
  const name = f.file.split(/[\\/]/).pop() ?? f.file;
  const parts = [`${name}: ${f.format}`, f.models.join(', '), `${f.records} records${f.rejected > 0 ? `, ${f.rejected} rejected` : ''}`];
  const costs = costSourcesText(f.costs);
  if (costs) parts.push(`costs from ${costs}`);
  if (f.derived.length > 0) parts.push(`derived: ${f.derived.join('; ')}`);
  if (f.missing.length > 0) parts.push(`missing: ${f.missing.join('; ')}`);
  return parts.join(' · ');
}
