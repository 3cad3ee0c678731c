/**
 * The panel's keyboard focus when the panel moves it after waiting, in headless Chromium
 * (Debian's, through playwright-core, which downloads nothing). The panel runs in a frame of
 * another origin inside the editor's page, and a focus() in that frame takes the keyboard focus
 * into it wherever it was. So a control drawn anew, which takes the focus back once it has
 * rendered, and "Show all", which gives it to the rows the host sends, leave it where the user
 * put it meanwhile (here an input of the outer page, as the editor's command palette); while the
 * panel keeps the focus, they still move it.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { syntheticAnalysis } from '../../scripts/bench-webview.ts';
import { ENVELOPE_TABLE_ROWS, nextCostsOf } from '../../src/core/envelopeThinning.ts';
import { frontierHtml } from '../../src/extension/panel/html.ts';
import { toFrontierSnapshot, wholeEnvelope } from '../../src/extension/panel/panelData.ts';
import { AnalysesNotification, createNotification, createResponse, EnvelopeRequest, ReadyCommand, SnapshotNotification, type FrontierSnapshot } from '../../src/protocol.ts';
import { repoRoot } from '../support/paths.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install chromium to run this test)`;

/** The editor's page and the panel's frame: two origins, as in the editor. */
const EDITOR = 'http://editor.test';
const PANEL = 'http://panel.test';
const KEY = 'focus-test';

/** 2 models over 4,000 queries: 430 envelope vertices, more than the table shows before "Show all". */
const result = syntheticAnalysis(2, 4_000, 7);

/**
 * The snapshot the host sends, its envelope thinned as the host thins a large one (`forPanel`),
 * to the table's rows and the last vertex: "Show all" asks the host for the rest. (The host keeps
 * more, for the chart, and thins only envelopes of more than 1,280 vertices, which would take this
 * test seconds to send and draw.)
 */
function thinnedSnapshot(): FrontierSnapshot {
  const whole = toFrontierSnapshot({ key: KEY, label: 'focus test', result, files: [], issues: [], status: 'idle', computedAt: 1 });
  const indices = [...Array.from({ length: ENVELOPE_TABLE_ROWS }, (_, i) => i), result.envelope.length - 1];
  assert.ok(whole.result && whole.envelopeHoldout && !whole.envelopeKept);
  const holdout = whole.envelopeHoldout;
  return {
    ...whole,
    result: { ...whole.result, envelope: indices.map((i) => result.envelope[i]) },
    envelopeHoldout: indices.map((i) => holdout[i]),
    envelopeKept: { total: result.envelope.length, indices, nextCosts: nextCostsOf(result.envelope, indices) },
  };
}

/**
 * The frame's script of the redraw test: a section drawn anew by the panel's `replaceChildren`
 * with a control that takes the focus only once it has rendered, as a VS Code Elements control
 * does, and renders when the test says so.
 */
const REDRAW_HARNESS = `
import { replaceChildren } from './webview/dom.ts';

class HeldControl extends HTMLElement {
  private rendered: () => void = () => {};
  readonly updateComplete = new Promise<boolean>((resolve) => {
    this.rendered = () => {
      this.tabIndex = 0;
      resolve(true);
    };
  });
  /** Renders; resolves once what waited for the rendering (registered before) has run. */
  async render(): Promise<void> {
    this.rendered();
    await this.updateComplete;
  }
}
customElements.define('held-control', HeldControl);

const section = document.getElementById('section')!;
let last: HeldControl | undefined;
Object.assign(window, {
  draw: () => {
    last = new HeldControl();
    last.id = 'apply';
    last.textContent = 'Apply';
    replaceChildren(section, last);
  },
  render: () => last?.render(),
});
`;

/** The editor's page: an input standing for the command palette, and the panel's frame; it relays messages as the host. */
function editorHtml(framePath: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="UTF-8"><title>editor</title></head>
<body>
<input id="palette" aria-label="Command palette">
<iframe id="panel" title="Cascade Frontier" src="${PANEL}${framePath}" width="1100" height="800"></iframe>
<script>
window.fromPanel = [];
addEventListener('message', (e) => { if (e.origin === '${PANEL}') window.fromPanel.push(e.data); });
window.toPanel = (m) => document.getElementById('panel').contentWindow.postMessage(m, '${PANEL}');
</script>
</body>
</html>
`;
}

/** The webview API in the panel's frame: what the panel posts goes to the editor's page. */
const FAKE_WEBVIEW_API = `if (location.origin === '${PANEL}') {
  let state;
  window.acquireVsCodeApi = () => ({ postMessage: (m) => parent.postMessage(m, '${EDITOR}'), getState: () => state, setState: (s) => { state = s; } });
}`;

interface EditorWindow {
  fromPanel: { kind?: string; method?: string; id?: number }[];
  toPanel(message: unknown): void;
}

async function bundle(options: esbuild.BuildOptions): Promise<string> {
  const out = await esbuild.build({ ...options, bundle: true, write: false, format: 'iife', platform: 'browser', target: 'es2022', mainFields: ['module', 'main'], logLevel: 'silent' });
  return out.outputFiles[0].text;
}

/** Where the keyboard focus is, seen from a document: its element (id, row index, tag, or body) and whether the document has the focus. */
function focusIn(): { at: string; hasFocus: boolean } {
  const a = document.activeElement as HTMLElement | null;
  const at = a === null ? 'nothing' : a === document.body ? 'body' : a.id !== '' ? `#${a.id}` : a.dataset.index !== undefined ? `row ${a.dataset.index}` : a.tagName.toLowerCase();
  return { at, hasFocus: document.hasFocus() };
}

async function focusOf(page: Page, frame: Frame): Promise<{ editor: string; panel: string; panelHasFocus: boolean }> {
  const editor = await page.evaluate(focusIn);
  const panel = await frame.evaluate(focusIn);
  return { editor: editor.at, panel: panel.at, panelHasFocus: panel.hasFocus };
}

describe('the panel moves the keyboard focus after waiting only while it has the focus (headless Chromium, the panel in a frame of another origin)', { skip }, () => {
  let browser: Browser;
  let context: BrowserContext;

  before(async () => {
    const [panelScript, redrawScript] = await Promise.all([
      bundle({ entryPoints: [join(repoRoot, 'webview/main.ts')] }),
      bundle({ stdin: { contents: REDRAW_HARNESS, resolveDir: repoRoot, sourcefile: 'redraw-harness.ts', loader: 'ts' } }),
    ]);
    const panelHtml = frontierHtml({ cspSource: PANEL, nonce: 'focustest', scriptUri: `${PANEL}/webview.js`, styleUri: `${PANEL}/frontier.css`, title: 'Cascade Frontier' });
    const files: Record<string, { type: string; body: string }> = {
      [`${EDITOR}/panel`]: { type: 'text/html', body: editorHtml('/') },
      [`${EDITOR}/redraw`]: { type: 'text/html', body: editorHtml('/redraw') },
      [`${PANEL}/`]: { type: 'text/html', body: panelHtml },
      [`${PANEL}/webview.js`]: { type: 'text/javascript', body: panelScript },
      [`${PANEL}/frontier.css`]: { type: 'text/css', body: readFileSync(join(repoRoot, 'media/frontier.css'), 'utf8') },
      [`${PANEL}/redraw`]: { type: 'text/html', body: `<!DOCTYPE html><html lang="en"><body><section id="section"></section><script>${redrawScript}</script></body></html>` },
    };
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // No request leaves the browser.
    await context.route('**/*', (route) => {
      const file = files[route.request().url()];
      return file ? route.fulfill({ contentType: file.type, body: file.body }) : route.abort();
    });
    await context.addInitScript(FAKE_WEBVIEW_API);
  });

  after(async () => {
    await browser?.close();
  });

  /** A new editor page with the panel (`/panel`) or the redraw harness (`/redraw`) in its frame; console errors and uncaught exceptions are kept in `problems`. */
  async function openEditor(path: '/panel' | '/redraw'): Promise<{ page: Page; frame: Frame; problems: string[] }> {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
    await page.goto(`${EDITOR}${path}`);
    const frame = page.frame({ url: (u) => u.origin === PANEL });
    assert.ok(frame, 'the panel frame');
    return { page, frame, problems };
  }

  /** Posts `message` to the panel as the host does. */
  async function post(page: Page, message: unknown): Promise<void> {
    await page.evaluate((m) => (window as unknown as EditorWindow).toPanel(m), message);
  }

  for (const away of [false, true]) {
    it(
      away
        ? 'a control drawn anew while it had the focus does not take it back once rendered when the focus went to the editor meanwhile'
        : 'a control drawn anew while it had the focus takes it back once rendered',
      async () => {
        const { page, frame, problems } = await openEditor('/redraw');
        try {
          await frame.evaluate('window.draw(), window.render()');
          await frame.focus('#apply');
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: '#apply', panelHasFocus: true });
          // Drawn anew: the control that has not rendered yet cannot take the focus, which waits for it.
          await frame.evaluate('window.draw()');
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: 'body', panelHasFocus: true });
          if (away) {
            await page.focus('#palette');
            assert.deepEqual(await focusOf(page, frame), { editor: '#palette', panel: 'body', panelHasFocus: false });
          }
          await frame.evaluate('window.render()');
          assert.deepEqual(await focusOf(page, frame), away ? { editor: '#palette', panel: 'body', panelHasFocus: false } : { editor: '#panel', panel: '#apply', panelHasFocus: true });
          assert.deepEqual(problems, []);
        } finally {
          await page.close();
        }
      },
    );
  }

  const showAllCases = {
    stay: '“Show all” gives the focus to the first row it brought',
    editor: '“Show all” does not take the focus to the rows when the focus went to the editor while the host sent them, nor at a later redraw',
    panel: '“Show all” does not take the focus to the rows when it went to another control of the panel while the host sent them',
  } as const;
  for (const [where, title] of Object.entries(showAllCases) as [keyof typeof showAllCases, string][]) {
    const away = where === 'editor';
    it(title, async () => {
      const { page, frame, problems } = await openEditor('/panel');
      try {
        const sentToHost = (method: string) => page.evaluate((name) => (window as unknown as EditorWindow).fromPanel.filter((m) => m.method === name), method);
        await page.waitForFunction((name) => (window as unknown as EditorWindow).fromPanel.some((m) => m.method === name), ReadyCommand.method);
        const total = result.envelope.length;
        await post(page, createNotification(AnalysesNotification, { analyses: [{ key: KEY, label: 'focus test', status: 'idle', hasResult: true }], selectedKey: KEY }));
        await post(page, createNotification(SnapshotNotification, { snapshot: thinnedSnapshot() }));
        await frame.waitForSelector(`#vertex-table[data-rows-shown="${ENVELOPE_TABLE_ROWS}"][data-vertex-count="${total}"][data-vertices-held="${ENVELOPE_TABLE_ROWS + 1}"]`, {
          state: 'attached',
        });
        // "Show all" with the keyboard, once the button has rendered (it takes the focus from then on).
        await frame.waitForSelector('#show-all-vertices[tabindex="0"]');
        await frame.focus('#show-all-vertices');
        assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: '#show-all-vertices', panelHasFocus: true });
        await page.keyboard.press('Enter');
        await frame.waitForSelector('#show-all-vertices[disabled]', { state: 'attached' });
        // The host holds its answer until the test gives it; meanwhile, in the second case, the user goes to the editor's command palette.
        await page.waitForFunction((name) => (window as unknown as EditorWindow).fromPanel.some((m) => m.method === name), EnvelopeRequest.method);
        if (away) {
          await page.focus('#palette');
          assert.deepEqual(await focusOf(page, frame), { editor: '#palette', panel: 'body', panelHasFocus: false });
        } else if (where === 'panel') {
          await frame.focus('#sample-in');
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: '#sample-in', panelHasFocus: true });
        }
        for (const m of await sentToHost(EnvelopeRequest.method)) {
          if (m.kind === 'request' && m.id !== undefined) await post(page, createResponse(EnvelopeRequest, m.id, wholeEnvelope(result)));
        }
        await frame.waitForSelector(`#vertex-table[data-rows-shown="${total}"]`, { state: 'attached' });
        if (where === 'stay') {
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: `row ${ENVELOPE_TABLE_ROWS}`, panelHasFocus: true });
        } else if (where === 'panel') {
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: '#sample-in', panelHasFocus: true });
        } else {
          assert.deepEqual(await focusOf(page, frame), { editor: '#palette', panel: 'body', panelHasFocus: false });
          // Back in the panel, the user switches from held-out to in-sample figures with the keyboard: the table drawn again leaves the focus on that control.
          assert.equal(await frame.getAttribute('#frontier-root', 'data-figures'), 'held-out');
          await frame.focus('#sample-in');
          await page.keyboard.press('Space');
          await frame.waitForSelector('#frontier-root[data-figures="in-sample"]', { state: 'attached' });
          assert.deepEqual(await focusOf(page, frame), { editor: '#panel', panel: '#sample-in', panelHasFocus: true });
        }
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    });
  }
});
