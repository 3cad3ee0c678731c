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

/**
 * Replaces an element's children. When the keyboard focus was on one of them (or inside one),
 * the part drawn in its place gets it back (see {@link focusKeyOf}): a section drawn again
 * after a save does not send the focus, and the next key press, to the page's body.
 */
export function replaceChildren(node: Element, ...children: Child[]): void {
  const active = node.ownerDocument.activeElement;
  const key = active && active !== node && node.contains(active) ? focusKeyOf(active) : undefined;
  node.replaceChildren();
  apply(node, undefined, children);
  if (key) refocus(node, key);
}

/** What tells a focused part from the others of its section, drawn again: its id, else its tag with its label or its text. */
interface FocusKey {
  readonly id: string;
  readonly tag: string;
  readonly label: string | null;
  readonly text: string;
}

function focusKeyOf(e: Element): FocusKey {
  return { id: e.id, tag: e.tagName, label: e.getAttribute('aria-label'), text: (e.textContent ?? '').trim() };
}

/**
 * Focuses the part of `node` with the key of the part that had the focus: the same id, or
 * (without one) the same tag and label, or text. Only a part the Tab key reaches (not disabled,
 * not taken out of the tab order): where a group keeps one tab stop, the focus never lands
 * beside it. Nothing when no part matches.
 */
function refocus(node: Element, key: FocusKey): void {
  const candidates =
    key.id !== ''
      ? [...node.querySelectorAll('[id]')].filter((e) => e.id === key.id)
      : [...node.getElementsByTagName(key.tag)].filter((e) => (key.label !== null ? e.getAttribute('aria-label') === key.label : (e.textContent ?? '').trim() === key.text));
  const target = candidates.find((e): e is HTMLElement => e instanceof HTMLElement && e.getAttribute('tabindex') !== '-1' && !e.hasAttribute('disabled'));
  if (!target) return;
  target.focus({ preventScroll: true });
  const doc = target.ownerDocument;
  if (doc.activeElement === target) return;
  // A VS Code Elements control takes the focus once it has rendered (its first update): then, unless the focus went elsewhere meanwhile.
  // Elsewhere may be outside the panel (the editor's command palette, say): the panel's page then has no focused element, as when
  // nothing in it had the focus, but a focus() in its frame would take the keyboard focus back from the editor. Hence only while
  // the page still has the focus.
  const rendered = (target as { updateComplete?: Promise<unknown> }).updateComplete ?? Promise.resolve();
  void rendered.then(() => {
    if (target.isConnected && doc.hasFocus() && (doc.activeElement === null || doc.activeElement === doc.body)) target.focus({ preventScroll: true });
  });
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
