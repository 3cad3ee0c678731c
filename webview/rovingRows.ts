/**
 * One tab stop per table: the rows of a table body take part in the tab order through a single
 * row (tabindex 0, the others -1); the arrow keys, Home, End, Page Up and Page Down move it and
 * the focus, and Enter or Space activates the focused row. A long table is thus crossed with a
 * few keys instead of a tab stop per row.
 */

/** Rows a Page Up or Page Down moves by. */
const PAGE = 10;

/**
 * Makes `body`'s rows a roving tab stop. `active` names the row that takes the tab stop (the
 * selected one, say; else the first). Returns the key handler it installed (for tests).
 * O(rows) per call; a key press costs O(1).
 */
export function rovingRows(body: HTMLTableSectionElement, options: { readonly active?: number; readonly onActivate?: (row: HTMLTableRowElement) => void } = {}): (e: KeyboardEvent) => void {
  const rows = () => [...body.rows];
  setStop(rows(), Math.min(Math.max(0, options.active ?? 0), Math.max(0, body.rows.length - 1)));
  const onKey = (e: KeyboardEvent) => {
    const all = rows();
    const row = (e.target as Element | null)?.closest?.('tr');
    const at = row ? all.indexOf(row as HTMLTableRowElement) : -1;
    if (at < 0) return;
    let next = at;
    switch (e.key) {
      case 'ArrowDown':
        next = at + 1;
        break;
      case 'ArrowUp':
        next = at - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = all.length - 1;
        break;
      case 'PageDown':
        next = at + PAGE;
        break;
      case 'PageUp':
        next = at - PAGE;
        break;
      case 'Enter':
      case ' ':
        if (options.onActivate) {
          e.preventDefault();
          options.onActivate(all[at]);
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    next = Math.min(Math.max(0, next), all.length - 1);
    setStop(all, next);
    all[next].focus();
  };
  body.addEventListener('keydown', onKey);
  // A click moves the tab stop too, so Tab comes back to the row last used.
  body.addEventListener('click', (e) => {
    const row = (e.target as Element | null)?.closest?.('tr');
    const all = rows();
    const at = row ? all.indexOf(row as HTMLTableRowElement) : -1;
    if (at >= 0) setStop(all, at);
  });
  return onKey;
}

/** Moves the tab stop to row `index` without focusing it (when the selection moves by other means). */
export function moveStop(body: HTMLTableSectionElement, index: number): void {
  const all = [...body.rows];
  if (index >= 0 && index < all.length) setStop(all, index);
}

/** Moves the tab stop to row `index` and focuses it without scrolling (for rows that replaced the control that had the focus). */
export function focusRow(body: HTMLTableSectionElement, index: number): void {
  const all = [...body.rows];
  if (index < 0 || index >= all.length) return;
  setStop(all, index);
  all[index].focus({ preventScroll: true });
}

function setStop(rows: readonly HTMLTableRowElement[], index: number): void {
  rows.forEach((r, i) => r.setAttribute('tabindex', i === index ? '0' : '-1'));
}
