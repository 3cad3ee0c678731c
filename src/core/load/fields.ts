/**
 * Reading the fields of a raw record: numbers (JSON numbers or text, `nan`/`inf` spelled out),
 * quality (`correct` as a boolean or 0/1, else `score` in [0,1]), token counts. Pure functions:
 * each returns the value, or records why not in `problems` (one message per field) and returns
 * undefined. The Collector calls them for every record.
 */
import type { RawRecord } from '../types.ts';
import * as M from './messages.ts';
import type { Problem } from './messages.ts';
import { textOf } from './deferredText.ts';

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};

/** Outcome of reading a numeric field: a number (maybe not finite), absent, or not a number at all. */
const ABSENT = undefined;
const BAD = null;

/** A JSON number, or a string holding one (CSV cells, sloppy JSON); `undefined` when absent or empty, `null` when not a number. */
export function numeric(value: unknown): number | undefined | null {
  if (typeof value === 'number') return value;
  if (value === undefined) return ABSENT;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return ABSENT;
    if (NUMBER_RE.test(t)) return Number(t);
    const special = NON_FINITE[t.toLowerCase()];
    return special !== undefined ? special : BAD;
  }
  return BAD;
}

/** Not given: absent, or an empty CSV cell. */
export const isBlank = (value: unknown): boolean => value === undefined || (typeof value === 'string' && value.trim() === '');
/** Not given, or given as `null` (which the alternatives `correct`/`score` and `cost`/tokens treat as absent). */
export const isAbsent = (value: unknown): boolean => value === null || isBlank(value);

/** The quality of a record: `correct` (true/false, 0/1, "true"/"false"), else `score` in [0,1]. */
export function parseQuality(r: RawRecord, problems: Problem[]): number | undefined {
  if (!isAbsent(r.correct)) {
    const v = r.correct;
    if (v === true || v === false) return v ? 1 : 0;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true') return 1;
      if (t === 'false') return 0;
    }
    const n = numeric(v);
    if (n === 0 || n === 1) return n;
    problems.push(typeof n === 'number' && !Number.isFinite(n) ? M.notFinite('correct', n) : M.invalidCorrect(v));
    return undefined;
  }
  if (!isAbsent(r.score)) {
    const n = requiredNumber('score', r.score, problems);
    if (n === undefined) return undefined;
    if (n < 0 || n > 1) {
      problems.push(M.scoreOutOfRange(n));
      return undefined;
    }
    return n;
  }
  if (r.correct === null) problems.push(M.invalidCorrect(null));
  else if (r.score === null) problems.push(M.notANumber('score', null));
  else problems.push(M.missingQuality());
  return undefined;
}

/** A finite number, or undefined after recording why not (absence is left to the caller). */
export function requiredNumber(field: string, value: unknown, problems: Problem[]): number | undefined {
  if (value === undefined) return undefined;
  const n = numeric(value);
  if (n === ABSENT || n === BAD) {
    problems.push(M.notANumber(field, value));
    return undefined;
  }
  if (!Number.isFinite(n)) {
    problems.push(M.notFinite(field, n));
    return undefined;
  }
  return n;
}

/** A confidence: any number but NaN (-Infinity and Infinity are the lowest and highest values), or undefined after recording why not. */
export function confidenceValue(value: unknown, problems: Problem[]): number | undefined {
  const n = numeric(value);
  if (n === ABSENT || n === BAD) {
    problems.push(M.notANumber('confidence', value));
    return undefined;
  }
  if (Number.isNaN(n)) {
    problems.push(M.notFinite('confidence', n));
    return undefined;
  }
  return n;
}

/** Tokens as characters / 4 (rounded up) of the prompt (input) and the answer (output); undefined when the record has neither text. */
export function estimatedTokens(prompt: unknown, response: unknown): { tokensIn: number; tokensOut: number } | undefined {
  const p = textOf(prompt);
  const a = textOf(response);
  if (typeof p !== 'string' && typeof a !== 'string') return undefined;
  return { tokensIn: Math.ceil((typeof p === 'string' ? p.length : 0) / 4), tokensOut: Math.ceil((typeof a === 'string' ? a.length : 0) / 4) };
}

/** A token count: required (errors) when it must price the record, else optional (warnings, filed later). */
export function tokenCount(field: string, value: unknown, required: boolean, problems: Problem[]): number | undefined {
  if (isAbsent(value)) return undefined;
  const n = numeric(value);
  if (!required) return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
  if (n === ABSENT || n === BAD) problems.push(M.notANumber(field, value));
  else if (!Number.isFinite(n)) problems.push(M.notFinite(field, n));
  else if (n < 0) problems.push(M.negativeTokens(field, n));
  else return n;
  return undefined;
}
