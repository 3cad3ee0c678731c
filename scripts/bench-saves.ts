// The saves the editor benchmarks make to one eval file (scripts/bench-editor.ts and
// scripts/bench-analysis-process.ts): each one wrong answer made right, the same size.
//
// - `distinct` (the default): save s (1, 2, ...) makes the s-th wrong answer of the calibration
//   split right, from the original file. No two saves have the same content, as when a user
//   fixes one result after another; the answers changed are the ones the recommendation and
//   its intervals are drawn from.
// - `alternate`: the first wrong answer made right at every odd save, the original at every even
//   one (the earlier benchmarks' saves): every save after the second repeats one seen before.

export type SaveMode = 'distinct' | 'alternate';

const WRONG = Buffer.from('"correct": 0');
const CALIBRATION = Buffer.from('"split": "train"');

/** Reads `--saves-mode` (distinct or alternate) from the arguments. */
export function saveModeArg(argv: readonly string[]): SaveMode {
  const i = argv.indexOf('--saves-mode');
  const mode = i === -1 ? 'distinct' : argv[i + 1];
  if (mode !== 'distinct' && mode !== 'alternate') throw new Error(`--saves-mode is distinct or alternate, not ${mode}`);
  return mode;
}

/**
 * The offsets of the `0` of `"correct": 0` on the first `count` lines of the calibration split
 * that have one (every wrong answer when `calibrationOnly` is false). Throws when there are fewer.
 */
function wrongAnswers(original: Buffer, count: number, calibrationOnly: boolean): number[] {
  const found: number[] = [];
  for (let at = original.indexOf(WRONG); at >= 0 && found.length < count; at = original.indexOf(WRONG, at + 1)) {
    const start = original.lastIndexOf(10, at) + 1;
    const end = original.indexOf(10, at);
    const line = original.subarray(start, end < 0 ? original.length : end);
    if (!calibrationOnly || line.includes(CALIBRATION)) found.push(at + WRONG.length - 1);
  }
  if (found.length < count) throw new Error(`the file has ${found.length} wrong answers to change, ${count} wanted`);
  return found;
}

/** The file's content at save `s` (1, 2, ...) of `saves` in `mode`, from its `original` content. */
export function savedContents(original: Buffer, saves: number, mode: SaveMode): Buffer[] {
  const wrong = mode === 'distinct' ? wrongAnswers(original, saves, true) : wrongAnswers(original, 1, false);
  return Array.from({ length: saves }, (_, i) => {
    const content = Buffer.from(original);
    if (mode === 'distinct') content[wrong[i]!] = 0x31;
    else if (i % 2 === 0) content[wrong[0]!] = 0x31;
    return content;
  });
}
