/**
 * The diagnosis said once, before anything else: which models have no confidence (so they can
 * never be the first stage of a cascade) and exactly how to get one for each harness, which
 * confidences are learned and how much signal they carry, and inputs that are degenerate.
 */
import type { Diagnosis, DiagnosisStep, FileSummary, LearnedConfidenceSummary, LearnedModel, ModelSummary } from '../types.ts';

/** How to get a confidence into the files of one harness. */
interface HarnessHelp {
  readonly harness: string;
  readonly step: string;
}

const RECORDS: HarnessHelp = {
  harness: 'JSONL or CSV records',
  step: 'add a numeric `confidence` field to each record (higher = surer, any monotone scale: the mean token log-probability of the answer, P(True), a verbalised score)',
};

const INSPECT: HarnessHelp = {
  harness: 'Inspect',
  step: 'rerun the eval with `--logprobs` (or `logprobs: true` in the generate config) so each sample keeps its token log-probabilities; or, if a scorer gives a confidence, name it with `--confidence-score NAME`',
};

/** The help for each format a file can be read as (`FileSummary.format`). */
const HELP: Readonly<Record<string, HarnessHelp>> = {
  'inspect-json': INSPECT,
  'inspect-eval': INSPECT,
  'lm-eval-samples': {
    harness: 'lm-evaluation-harness',
    step: 'multiple-choice tasks log per-choice log-likelihoods, which give a confidence: run the multiple-choice variant of the task with `--log_samples`; generative tasks (generate_until) log none: add a `confidence` field to each record',
  },
  promptfoo: {
    harness: 'promptfoo',
    step: 'make the provider return logprobs (for OpenAI providers, `config: {logprobs: true}`), or add an assertion whose named score is a confidence and pass its name with `--confidence-score NAME`',
  },
  helm: {
    harness: 'HELM',
    step: 'HELM keeps a confidence (the `max_prob` stat) only for models that return log-probabilities; for the others, write per-query records with a `confidence` field',
  },
  'openai-evals': { harness: 'OpenAI evals', step: 'evals record files keep no log-probabilities: write per-query records with a `confidence` field' },
  'wide-table': { harness: 'wide tables', step: 'add a `<model>|confidence` column for each model' },
  'csv-wide': { harness: 'wide CSV', step: 'add a `<model>.confidence` column for each model' },
  jsonl: RECORDS,
  'csv-long': RECORDS,
};

/** The flag and config key that ask for a learned confidence. */
export const LEARNED_HINT = 'or learn one from the answer texts: `--confidence learned` (config `confidence: learned`)';

/** AUROC below which a learned confidence is said to carry little signal. */
export const LITTLE_SIGNAL_AUROC = 0.55;

/** What a learned confidence reads, as a phrase: `the answer text and the prompt`, `the answer text`, `the prompt alone`. */
const FROM_PHRASE: Readonly<Record<LearnedConfidenceSummary['from'], string>> = {
  'answer and prompt': 'the answer text and the prompt',
  answer: 'the answer text',
  prompt: 'the prompt alone',
};

/**
 * What the learned confidences were learned from: `from the prompt alone` when every learned
 * model read the same texts, else per model, e.g. `from the answer text and the prompt (a, b),
 * from the prompt alone (c)`. Empty without a learned confidence. O(k).
 */
export function learnedFrom(models: readonly ModelSummary[]): string {
  const byFrom = new Map<string, string[]>();
  for (const m of models) {
    if (!m.learnedConfidence) continue;
    const phrase = FROM_PHRASE[m.learnedConfidence.from];
    byFrom.set(phrase, [...(byFrom.get(phrase) ?? []), m.name]);
  }
  if (byFrom.size <= 1) return [...byFrom.keys()].map((p) => `from ${p}`).join('');
  return [...byFrom].map(([p, names]) => `from ${p} (${names.join(', ')})`).join(', ');
}

/**
 * A model's AUROC on the calibration queries, as the calibration column of a signals table shows
 * it: a logged confidence's `confidenceAuroc`, a learned one's cross-fitted calibration AUROC
 * (its `confidenceAuroc` is the held-out one when there is a holdout). O(1).
 */
export function calibrationAuroc(m: ModelSummary): number | null {
  return m.learnedConfidence ? m.learnedConfidence.aurocCalibration : m.confidenceAuroc;
}

/**
 * The legend of a learned confidence under a signals table: what it was learned from and which
 * AUROC says how much signal it carries. Undefined without a learned confidence. O(k).
 */
export function learnedLegend(models: readonly ModelSummary[], hasHoldout: boolean): string | undefined {
  if (!models.some((m) => m.learnedConfidence)) return undefined;
  return (
    `learned: not logged but learned ${learnedFrom(models)}, cross-fitted (so its calibration AUROC is out of fold too); ` +
    `its signal is judged by its ${hasHoldout ? 'held-out' : 'calibration'} AUROC: under ${LITTLE_SIGNAL_AUROC} it carries little signal.`
  );
}

/**
 * The diagnosis of an analysis, or undefined when there is nothing to say: every model without
 * a confidence with the way to get one per harness (from the format of the files its records
 * came from), the learned confidences and their signal, and degenerate inputs (a constant
 * confidence, one usable model, a model right on every query or on none). O(k + files).
 */
export function diagnose(models: readonly ModelSummary[], files: readonly FileSummary[], learned: readonly LearnedModel[] = []): Diagnosis | undefined {
  const without = models.filter((m) => m.confidenceSource === 'none').map((m) => m.name);
  const learnedNames = models.filter((m) => m.confidenceSource === 'learned').map((m) => m.name);
  const formatsOf = (model: string): string[] => [...new Set(files.filter((f) => f.models.includes(model)).map((f) => f.format))];
  const steps = stepsFor(without, formatsOf);
  const notes: string[] = [];
  for (const m of models) {
    if (m.confidenceSource === 'none') continue;
    if (m.confidenceSignal.distinctValues === 1 && m.confidenceMin !== null) {
      const helm = formatsOf(m.name).includes('helm') ? " (HELM's max_prob is 1 for every instance of a model that returns no log-probabilities)" : '';
      notes.push(`${m.name}'s confidence is ${m.confidenceMin} on every calibration query${helm}: it carries no signal, so as a first stage it can only always answer or always escalate.`);
    }
    const l = m.learnedConfidence;
    if (l?.littleSignal) {
      notes.push(
        `${m.name}'s learned confidence carries little signal (AUROC ${l.auroc!.toFixed(2)} ${l.measuredOn === 'holdout' ? 'held out' : 'cross-fitted on calibration'}, under ${LITTLE_SIGNAL_AUROC}): as a first stage it escalates almost at random.`,
      );
    }
  }
  for (const m of models) {
    if (m.quality >= 1)
      notes.push(`${m.name} answers every calibration query right: escalating from it cannot gain quality, and its confidence cannot be judged (that needs right and wrong answers).`);
    else if (m.quality <= 0) notes.push(`${m.name} answers no calibration query right: it is worth nothing alone, and its confidence cannot be judged (that needs right and wrong answers).`);
  }
  if (models.length === 1) notes.push(`Only one model (${models[0].name}) has usable records: a cascade needs two, so only its own cost and quality are shown.`);
  for (const l of learned) if (!l.learned) notes.push(`No confidence could be learned for ${l.model}: ${l.reason}.`);
  if (without.length === 0 && learnedNames.length === 0 && notes.length === 0) return undefined;

  const lines: string[] = [];
  if (without.length > 0) {
    const all = without.length === models.length;
    lines.push(
      all
        ? `No model has a confidence, so no cascade can be computed (a cascade escalates when the cheap model's confidence is below a threshold). ${models.length > 1 ? 'Shown instead: each model alone, and the pre-generation router and the perfect-routing bound, which need none.' : 'Shown instead: the model alone.'}`
        : `${without.length} of ${models.length} models have no confidence (${without.join(', ')}): they enter as single models and as the expensive stage of a pair, never as the cheap stage.`,
    );
    lines.push('To get a confidence:');
    for (const s of steps) lines.push(`  ${s.harness} (${s.models.join(', ')}): ${s.step}`);
    if (learned.length === 0) lines.push(`  ${LEARNED_HINT[0].toUpperCase()}${LEARNED_HINT.slice(1)}.`);
  }
  if (learnedNames.length > 0) {
    const figures = models
      .filter((m) => m.learnedConfidence)
      .map((m) => `${m.name} ${m.learnedConfidence!.auroc === null ? '-' : m.learnedConfidence!.auroc.toFixed(2)}`)
      .join(', ');
    const on = models.find((m) => m.learnedConfidence)?.learnedConfidence?.measuredOn === 'holdout' ? 'held out' : 'cross-fitted on calibration';
    const promptOnly = models.filter((m) => m.learnedConfidence?.from === 'prompt').map((m) => m.name);
    const froms = new Set(models.flatMap((m) => (m.learnedConfidence ? [m.learnedConfidence.from] : [])));
    const source =
      promptOnly.length === learnedNames.length
        ? 'from the prompt alone (the files keep no answer text, such as a `response` field or a `<model>|response` column; a score known before generation is best weighed against the pre-generation router of `compare`)'
        : froms.size === 1 && froms.has('answer and prompt')
          ? "from each model's answer text and the prompt"
          : `${learnedFrom(models)}${promptOnly.length > 0 ? `; the files of ${promptOnly.join(', ')} keep no answer text` : ''}`;
    lines.push(
      `Learned confidence (not logged) for ${learnedNames.join(', ')}: a cross-fitted P(correct) ${source}. Its AUROC (${on}): ${figures}. ` +
        "A cascade on it needs the same kind of scorer, trained on these answers, running on the cheap model's answers at run time (this tool measures it; it does not export the trained scorer).",
    );
  }
  lines.push(...notes);
  return { withoutConfidence: without, learned: learnedNames, steps, notes, lines };
}

/** Models without a confidence grouped by the harness that wrote their files, in model order. */
function stepsFor(models: readonly string[], formatsOf: (model: string) => string[]): DiagnosisStep[] {
  const byHarness = new Map<string, { help: HarnessHelp; models: string[] }>();
  for (const model of models) {
    const formats = formatsOf(model);
    const helps = formats.map((f) => HELP[f]).filter((h): h is HarnessHelp => h !== undefined);
    for (const help of helps.length > 0 ? helps : [RECORDS]) {
      const entry = byHarness.get(help.harness) ?? { help, models: [] };
      if (!entry.models.includes(model)) entry.models.push(model);
      byHarness.set(help.harness, entry);
    }
  }
  return [...byHarness.values()].map(({ help, models }) => ({ harness: help.harness, models, step: help.step }));
}

/**
 * The diagnosis in a few words, for a status line: `no confidence` (no model has one), `2 of 5
 * without confidence`, `learned confidence`; undefined when every model has a logged one. O(1).
 */
export function diagnosisHeadline(d: Diagnosis | undefined, models: number): string | undefined {
  if (!d) return undefined;
  if (d.withoutConfidence.length === models) return 'no confidence';
  if (d.withoutConfidence.length > 0) return `${d.withoutConfidence.length} of ${models} without confidence`;
  if (d.learned.length > 0) return 'learned confidence';
  return undefined;
}
