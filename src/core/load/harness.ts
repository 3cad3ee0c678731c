import { detectHarness, HARNESS_EXTENSIONS, readHarnessFile, siblingFilesOnDisk } from '../adapters/index.ts';
import type { RecordSink } from './sink.ts';
import { makeProblem, unknownFormat } from './messages.ts';
import { formatReaders, type FormatReader, type ReaderInput } from './readers.ts';

/**
 * The harness adapters (lm-evaluation-harness, promptfoo, Inspect, HELM, ...) as loader
 * readers. An adapter reads a whole file at once; its records go through the same checks
 * as those of JSONL and CSV files. A file whose content carries a harness's signature is
 * read by that adapter before the built-in readers look at it; a file only the name of
 * which suggests a harness is left to the built-in readers first.
 */
function harnessReader(name: string, by: 'content' | 'name'): FormatReader {
  return {
    name,
    extensions: [...HARNESS_EXTENSIONS, ...HARNESS_EXTENSIONS.map((e) => `${e}.gz`)],
    detect(file, head) {
      const d = detectHarness(stripGz(file), head);
      return d.kind !== 'none' && d.by === by;
    },
    async read(input: ReaderInput, sink: RecordSink) {
      const parts: Buffer[] = [];
      for await (const chunk of input.chunks()) parts.push(chunk);
      const file = stripGz(input.file);
      const result = readHarnessFile(file, Buffer.concat(parts), input.loadOptions, siblingFilesOnDisk(input.file));
      if (!result) {
        sink.note(0, unknownFormat([...new Set(formatReaders().map((r) => r.name))]));
        return;
      }
      sink.setFormat(result.format);
      sink.describe(result.derived, result.missing);
      for (const issue of result.issues) {
        const problem = makeProblem(issue.code, issue.severity, issue.message);
        if (issue.line > 0 && issue.severity === 'error') sink.reject(issue.line, problem);
        else sink.note(issue.line, problem);
      }
      for (const { line, record } of result.records) sink.record(record, line);
    },
  };
}

/** Adapters detect by name too; a gzipped harness file is named like the original plus `.gz`. */
const stripGz = (file: string): string => file.replace(/\.gz$/i, '');

export const harnessContentReader = harnessReader('harness', 'content');
export const harnessNameReader = harnessReader('harness', 'name');
