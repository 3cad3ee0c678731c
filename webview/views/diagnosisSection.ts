/**
 * The diagnosis, at the top of the panel: which models have no confidence and the exact way to
 * get one per harness (with a button for a learned confidence), which confidences are learned
 * and how much signal they carry, and degenerate inputs. Said once, before any figure.
 */
import type { AnalysisResult } from '../../src/core/types.ts';
import type { VscodeButton } from '@vscode-elements/elements';
import type { PanelController } from '../controller.ts';
import { custom, el, replaceChildren } from '../dom.ts';

/** `text with `code`` as text and <code> nodes. */
function withCode(text: string): (string | HTMLElement)[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? el('code', {}, part) : part));
}

export class DiagnosisSection {
  readonly element = el('section', { id: 'diagnosis', class: 'diagnosis', role: 'status', hidden: true });
  private readonly message = el('span', { id: 'diagnosis-message', class: 'message', role: 'status' });
  private shown: AnalysisResult | undefined;

  constructor(private readonly ctl: PanelController) {}

  render(): void {
    const result = this.ctl.snapshot?.result;
    if (result === this.shown && this.element.hasChildNodes()) return;
    this.shown = result;
    const d = result?.diagnosis;
    this.element.hidden = !d;
    if (!d || !result) return replaceChildren(this.element);
    const withoutAny = d.withoutConfidence.length > 0;
    const heading = withoutAny
      ? d.withoutConfidence.length === result.models.length
        ? 'Confidence missing'
        : 'Confidence missing for some models'
      : d.learned.length > 0
        ? 'Learned confidence'
        : 'About the input';
    const children: (string | HTMLElement)[] = [el('h2', {}, heading)];
    // The lines as the command line prints them: the summary, then the steps as a list.
    const steps = new Set(d.steps.map((s) => `  ${s.harness} (${s.models.join(', ')}): ${s.step}`));
    const list = el('ul', { id: 'diagnosis-steps' });
    for (const line of d.lines) {
      if (steps.has(line)) {
        const step = d.steps.find((s) => line === `  ${s.harness} (${s.models.join(', ')}): ${s.step}`)!;
        list.append(el('li', { 'data-harness': step.harness }, el('strong', {}, `${step.harness} (${step.models.join(', ')}): `), ...withCode(step.step)));
      } else if (line.startsWith('  ')) list.append(el('li', {}, ...withCode(line.trim())));
      else if (line === 'To get a confidence:') children.push(el('p', {}, line), list);
      else children.push(el('p', {}, ...withCode(line)));
    }
    if (withoutAny && d.learned.length === 0) {
      const button = custom<VscodeButton>('vscode-button', { id: 'use-learned-confidence' }, 'Use a learned confidence');
      button.addEventListener('click', () => {
        this.show({ ok: true, message: 'Asking…' });
        void this.ctl.useLearnedConfidence().then((r) => this.show(r));
      });
      children.push(el('div', { class: 'bar' }, button, this.message));
    }
    replaceChildren(this.element, ...children);
  }

  private show(r: { ok: boolean; message: string }): void {
    this.message.textContent = r.message;
    this.message.classList.toggle('error', !r.ok);
  }
}
