// The panel's own page (its real HTML, script and style sheet) in a browser, without the editor:
// a page that answers its requests as nothing, and snapshots posted to it as the host posts them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AnalysisResult } from '../../../src/core/types.ts';
import { frontierHtml } from '../../../src/extension/panel/html.ts';
import { PROTOCOL_VERSION } from '../../../src/protocol.ts';
import { ROOT } from './paths.ts';

const ORIGIN = 'https://frontier.invalid';

/** A page holding the panel, ready for snapshots; what the panel posts to the host is kept in `window.__sent`. */
export async function openPanel(browser: Browser, viewport = { width: 1100, height: 900 }): Promise<Page> {
  const html = frontierHtml({ cspSource: ORIGIN, nonce: 'testnonce', scriptUri: `${ORIGIN}/dist/webview.js`, styleUri: `${ORIGIN}/media/frontier.css`, title: 'panel' });
  const page = await browser.newPage({ viewport });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') return route.fulfill({ contentType: 'text/html', body: html });
    return route.fulfill({ contentType: path.endsWith('.css') ? 'text/css' : 'text/javascript', body: readFileSync(join(ROOT, path)) });
  });
  await page.addInitScript('window.__sent = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => undefined, setState: () => {} });');
  await page.goto(`${ORIGIN}/`);
  await page.waitForFunction('window.__sent.length > 0');
  return page;
}

/** Posts a snapshot of `result` to the panel as the host does and waits until its root shows it (`status` 'computing': the result shown while another is computed). */
export async function show(page: Page, result: AnalysisResult, computedAt: number, status: 'idle' | 'computing' = 'idle'): Promise<void> {
  const snapshot = { key: 'panel-page', label: 'panel-page', result, files: [], issues: [], issueCounts: { errors: 0, warnings: 0 }, computedAt, status };
  const message = { protocol: 'cascadeFrontier', version: PROTOCOL_VERSION, kind: 'notification', method: 'analysis/snapshot', params: { snapshot } };
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await page.waitForFunction(([at, s]) => document.getElementById('frontier-root')?.dataset.computedAt === String(at) && document.getElementById('frontier-root')?.dataset.status === s, [
    computedAt,
    status,
  ] as const);
}
