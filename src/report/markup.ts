/**
 * HTML as strings, escaped by construction: text and attribute values are always escaped;
 * only markup built here (or a trusted constant wrapped in `trusted`) passes through as is.
 * Model names, file names and messages come from users' files.
 */
import { nonFiniteAsString } from '../core/format/json.ts';

/** Markup that is already safe HTML. */
export class Markup {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export type Child = Markup | string | number | null | undefined | false | readonly Child[];
export type Attrs = Readonly<Record<string, string | number | boolean | null | undefined>>;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** A constant written by this program (never data from a file). */
export function trusted(html: string): Markup {
  return new Markup(html);
}

function childHtml(c: Child): string {
  if (c === null || c === undefined || c === false) return '';
  if (c instanceof Markup) return c.html;
  if (Array.isArray(c)) return c.map(childHtml).join('');
  return escapeHtml(String(c));
}

/** Several children as one piece of markup. */
export function fragment(...children: Child[]): Markup {
  return new Markup(children.map(childHtml).join(''));
}

const NAME = /^[a-z][a-z0-9-]*$/;

/** An element; attribute values and text children are escaped (`true` writes a bare attribute, `false`/null/undefined none). */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): Markup {
  if (!NAME.test(tag)) throw new Error(`not an element name: ${tag}`);
  let open = `<${tag}`;
  for (const [name, value] of Object.entries(attrs)) {
    if (!NAME.test(name)) throw new Error(`not an attribute name: ${name}`);
    if (value === undefined || value === null || value === false) continue;
    open += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`;
  }
  if (VOID.has(tag)) return new Markup(`${open}>`);
  return new Markup(`${open}>${children.map(childHtml).join('')}</${tag}>`);
}

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'col']);

/**
 * JSON that can sit inside a `<script type="application/json">` element: `<`, `>` and `&`
 * (so no `</script>` or `<!--` can end or change the element) and the line separators are
 * written as `\u` escapes, which `JSON.parse` reads back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, nonFiniteAsString).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
