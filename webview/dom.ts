/**
 * Building DOM without HTML strings: file names, model names and messages come from user
 * files and are only ever set as text.
 */

export type Attrs = Readonly<Record<string, string | number | boolean | undefined | null>>;
export type Child = Node | string | number | undefined | null | false;

function apply(node: Element, attrs: Attrs | undefined, children: readonly Child[]): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    node.append(typeof c === 'number' ? String(c) : c);
  }
}

/** An HTML element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  apply(node, attrs, children);
  return node;
}

/** A custom element (the VS Code Elements components) with attributes and children. */
export function custom<T extends HTMLElement = HTMLElement>(tag: `${string}-${string}`, attrs?: Attrs, ...children: Child[]): T {
  const node = document.createElement(tag) as T;
  apply(node, attrs, children);
  return node;
}

/**
 * The mark of work under way beside its words ("Computing…"): a small arc turned by a transform
 * on a layer of its own, which the compositor animates without painting the page again. (VS Code
 * Elements' progress ring animates its stroke, which repaints the whole panel every frame: on a
 * machine of two cores, a third of a core taken from the analysis for as long as it runs.) It
 * only decorates the words, so screen readers skip it; it stands still when the system asks
 * for reduced motion.
 */
export function busyMark(): HTMLSpanElement {
  return el('span', { class: 'busy', 'aria-hidden': 'true' });
}

/** Replaces an element's children. */
export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  apply(node, undefined, children);
}

/** Sets or removes data attributes (`undefined` removes). */
export function setData(node: HTMLElement, data: Readonly<Record<string, string | number | undefined>>): void {
  for (const [k, v] of Object.entries(data)) {
    if (v === undefined) delete node.dataset[k];
    else node.dataset[k] = String(v);
  }
}

/** An exact number for a data attribute: full precision, `Infinity` for null (an always-escalate threshold). */
export function exact(v: number | null | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v === null ? 'Infinity' : String(v);
}

/** Shows the outcome of an action in words: its message as the text, marked as an error when it failed. */
export function showMessage(target: HTMLElement, r: { readonly ok: boolean; readonly message: string }): void {
  target.textContent = r.message;
  target.classList.toggle('error', !r.ok);
}
