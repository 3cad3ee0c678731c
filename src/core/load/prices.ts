import { readFile } from 'node:fs/promises';
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { readExternalPriceTable } from '../prices/index.ts';
import type { PriceTable, TokenPrice } from '../types.ts';
import { unreadablePath } from './messages.ts';

/**
 * Price tables: a JSON object (comments allowed) mapping each model name to its dollars
 * per million input and output tokens:
 *
 *     { "gpt-4o": { "input": 2.5, "output": 10 }, "llama3.1-8b": { "input": 0.2, "output": 0.2 } }
 *
 * `inputPerMillion` / `outputPerMillion` are accepted as the long names of `input` / `output`;
 * optional `reasoning` and `cacheRead` (or `reasoningPerMillion`, `cacheReadPerMillion`) price
 * reasoning tokens and cached input tokens apart. LiteLLM's and OpenRouter's lists are read too.
 */

const EXAMPLE = '{"input": 2.5, "output": 10}';
/** Fields of a price in our own format (short and long names). */
const PRICE_KEYS = ['input', 'output', 'inputPerMillion', 'outputPerMillion', 'reasoning', 'cacheRead', 'reasoningPerMillion', 'cacheReadPerMillion'];

/** The error for JSON that is none of the three price table shapes: it names them. */
export function unknownShape(file: string): string {
  return (
    `${file}: not a price table in a shape the loader knows. Give one of: {"model-name": ${EXAMPLE}} (dollars per million input and output tokens; optional "reasoning" and "cacheRead"); ` +
    `LiteLLM's model_prices_and_context_window.json ({"model-name": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5, ...}}); ` +
    `or OpenRouter's model list ({"data": [{"id": "openai/gpt-4o", "pricing": {"prompt": "0.0000025", "completion": "0.00001"}}]}, or the list alone).`
  );
}

const WORDS: Partial<Record<ReturnType<typeof printParseErrorCode>, string>> = {
  CommaExpected: "expected ',' between entries",
  ColonExpected: "expected ':' after a name",
  PropertyNameExpected: 'expected a model name in double quotes',
  ValueExpected: 'expected a value',
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the end of the table',
  UnexpectedEndOfString: 'a string is not closed',
  InvalidNumberFormat: 'invalid number',
};

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Reads a price table from its text. O(length).
 * @throws Error `file:line: what is wrong and how to fix it` for malformed JSON, a missing,
 * negative or non-numeric price, or a shape that is none of the three accepted ones.
 * @example parsePriceTable('{"a": {"input": 1, "output": 2}}', 'prices.json').get('a') // { inputPerMillion: 1, outputPerMillion: 2 }
 */
export function parsePriceTable(text: string, file: string): PriceTable {
  const errors: ParseError[] = [];
  const root = parseTree(text.replace(/^\ufeff/, ''), errors, { allowTrailingComma: true });
  const at = (offset: number): string => `${file}:${lineOf(text, offset)}`;
  if (errors.length > 0) {
    const e = errors[0]!;
    const code = printParseErrorCode(e.error);
    throw new Error(`${at(e.offset)}: the price table is not valid JSON (${WORDS[code] ?? code}). Fix it so that it reads like {"model-name": ${EXAMPLE}}.`);
  }
  // LiteLLM's and OpenRouter's price lists (OpenRouter's also as a bare list) are recognised by their shape.
  const external = root ? readExternalPriceTable(file, getNodeValue(root)) : undefined;
  if (external) {
    if (external.issues.length > 0) throw new Error(`${file}: ${external.issues[0]!.message}`);
    return external.table;
  }
  const first = root?.type === 'object' ? root.children?.[0]?.children?.[1] : undefined;
  const priceLike = (n: Node | undefined): boolean => n?.type === 'object' && (n.children ?? []).some((c) => PRICE_KEYS.includes(String(c.children?.[0]?.value)));
  if (!root || root.type !== 'object' || (first !== undefined && !priceLike(first))) throw new Error(unknownShape(file));
  const table = new Map<string, TokenPrice>();
  for (const property of root.children ?? []) {
    const [nameNode, valueNode] = property.children as [Node, Node | undefined];
    const model = String(nameNode.value);
    if (!valueNode || valueNode.type !== 'object') {
      throw new Error(`${at(property.offset)}: the price of ${JSON.stringify(model)} must be an object like ${EXAMPLE} (dollars per million input and output tokens).`);
    }
    const field = (short: string, long: string): Node | undefined =>
      valueNode.children?.find((c) => c.children?.[0]?.value === short) ?? valueNode.children?.find((c) => c.children?.[0]?.value === long);
    const number = (p: Node, short: string): number => {
      const v = p.children?.[1]?.value as unknown;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw new Error(`${at(p.offset)}: the "${short}" price of ${JSON.stringify(model)} is ${JSON.stringify(v ?? null)}; a price must be a non-negative number of dollars per million tokens.`);
      }
      return v;
    };
    const get = (short: string, long: string): number => {
      const p = field(short, long);
      if (!p) {
        throw new Error(`${at(valueNode.offset)}: the price of ${JSON.stringify(model)} has no "${short}" (dollars per million ${short} tokens); add it, e.g. ${EXAMPLE}.`);
      }
      return number(p, short);
    };
    const optional = (short: string, long: string): number | undefined => {
      const p = field(short, long);
      return p ? number(p, short) : undefined;
    };
    const reasoning = optional('reasoning', 'reasoningPerMillion');
    const cacheRead = optional('cacheRead', 'cacheReadPerMillion');
    table.set(model, {
      inputPerMillion: get('input', 'inputPerMillion'),
      outputPerMillion: get('output', 'outputPerMillion'),
      ...(reasoning !== undefined ? { reasoningPerMillion: reasoning } : {}),
      ...(cacheRead !== undefined ? { cacheReadPerMillion: cacheRead } : {}),
    });
  }
  return table;
}

/**
 * Reads a price table file (see `parsePriceTable`).
 * @throws Error naming the path when it cannot be read, or the problem in it.
 */
export async function loadPriceTable(path: string): Promise<PriceTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(unreadablePath(path, describeFsError(e)));
  }
  return parsePriceTable(text, path);
}

/** A file-system error in words (no stack, no errno number). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  return e instanceof Error ? e.message : String(e);
}
