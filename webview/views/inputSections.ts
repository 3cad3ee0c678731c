/**
 * The panel's two collapsible sections about the input: the files read (format, models,
 * records accepted and rejected, what was derived and what is missing) and the warnings.
 */
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import { formatIssue } from '../../src/core/format/index.ts';
import type { PanelController } from '../controller.ts';
import { custom, el, replaceChildren } from '../dom.ts';
import { rovingRows } from '../rovingRows.ts';

export class InputSections {
  private readonly files: HTMLElement = el('div', { id: 'files' });
  private readonly warnings: HTMLElement = el('div', { id: 'warnings' });
  readonly elements: readonly HTMLElement[] = [
    custom('vscode-collapsible', { heading: 'Input files', id: 'files-section' }, this.files),
    custom('vscode-collapsible', { heading: 'Warnings', id: 'warnings-section' }, this.warnings),
  ];

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const s = this.ctl.snapshot;
    if (!s) {
      replaceChildren(this.files);
      replaceChildren(this.warnings);
      return;
    }
    const head = el('thead', {}, el('tr', {}, ...['File', 'Format', 'Models', 'Records', 'Rejected', 'Derived', 'Missing'].map((h) => el('th', { scope: 'col' }, h))));
    const body = el(
      'tbody',
      {},
      ...s.files.map((f) =>
        el(
          'tr',
          { 'data-file': f.file },
          el('td', {}, f.file),
          el('td', {}, f.format),
          el('td', {}, f.models.join(', ')),
          el('td', { class: 'num' }, f.records),
          el('td', { class: 'num' }, f.rejected),
          el('td', {}, f.derived.join('; ')),
          el('td', {}, f.missing.join('; ')),
        ),
      ),
    );
    rovingRows(body);
    replaceChildren(this.files, s.files.length > 0 ? el('div', { class: 'table-scroll' }, el('table', { id: 'file-table' }, head, body)) : el('p', { class: 'muted' }, 'No input files.'));
    const warnings = s.result?.warnings ?? [];
    const issues = s.issues;
    replaceChildren(
      this.warnings,
      issues.length + warnings.length === 0
        ? el('p', { class: 'muted' }, 'No warnings.')
        : el(
            'ul',
            { id: 'warning-list' },
            ...issues.map((i) => el('li', { class: i.severity }, formatIssue(i))),
            ...(issues.length === 0 ? warnings.map((w) => el('li', { class: 'warning' }, w)) : []),
          ),
    );
  }
}
