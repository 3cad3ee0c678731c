// Drives the VS Code workbench served by code-server through headless Chromium.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import type { CodeServer } from './codeServer.ts';
import { ARTIFACTS, CHROMIUM } from './paths.ts';
import { recordProcess, stopProcess } from './processes.ts';
import { waitFor } from './wait.ts';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-crash-reporter',
  '--disable-breakpad',
];
/** Debian's /usr/bin/chromium is a script that execs /usr/lib/chromium/chromium under the same pid. */
const CHROMIUM_MARKER = '/chromium';

export interface Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  /** Browser console lines and page errors, for the failure log. */
  readonly consoleLines: string[];
  /** Runs a command by its palette label (e.g. `Cascade Frontier: Show Cascade Frontier`). */
  runCommand(label: string): Promise<void>;
  /** Switches the color theme by its label in the theme picker (e.g. `Dark Modern`). */
  setColorTheme(label: string): Promise<void>;
  /** Opens a workspace file by its path relative to the folder, and waits for its editor. */
  openFile(relativePath: string): Promise<Locator>;
  /** Moves the cursor of the active editor to a 1-based line and column. */
  goTo(line: number, column: number): Promise<void>;
  /** The active text editor. */
  activeEditor(): Locator;
  /** Focuses the first editor group (so that files open there, beside the panel). */
  focusFirstGroup(): Promise<void>;
  /** CodeLens lines of the active editor, top to bottom, with their vertical place on screen. */
  codeLenses(): Promise<{ text: string; top: number; bottom: number }[]>;
  /** Vertical place on screen of the first visible line of the active editor containing `text`. */
  lineBox(text: string): Promise<{ top: number; bottom: number } | undefined>;
  /** Shows the hover at a 1-based position of the active editor (as Ctrl+K Ctrl+I does) and returns its text once `ok` accepts it. */
  hoverAt(line: number, column: number, ok: (text: string) => boolean): Promise<string>;
  /** Waits for the active editor to hold an unsaved edit, saves it, and waits until it is no longer dirty. */
  save(): Promise<void>;
  /** Replace-all in the active editor through the Find/Replace widget. */
  replaceAll(find: string, replacement: string): Promise<void>;
  /** Opens the quick fix menu (Ctrl+.) at a 1-based position and runs the first action `matches` accepts; returns its label. */
  codeAction(line: number, column: number, matches: (label: string) => boolean, onFocused?: () => Promise<unknown>): Promise<string>;
  /** Waits for the frame of a webview whose document matches `selector` (webviews nest two iframes deep). */
  webviewFrame(selector: string, timeoutMs?: number): Promise<Frame>;
  /** Saves a screenshot (of `clip` only, when given) as `<ARTIFACTS>/<name>.png` and returns its path. */
  screenshot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string>;
  /** Saves a screenshot, the browser console and code-server's logs under `<ARTIFACTS>/failures/<name>/`. */
  saveFailure(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Debian's headless Chromium, its pid recorded so that it is stopped like code-server whatever
 * happens; `close` closes and stops it.
 */
export async function launchBrowser(): Promise<{ readonly browser: Browser; readonly close: () => Promise<void> }> {
  // A browser server exposes the browser's pid, so it can be recorded and stopped like code-server.
  const browserServer = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, host: '127.0.0.1' });
  const browserPid = browserServer.process().pid;
  if (browserPid !== undefined) recordProcess(browserPid, 'chromium', CHROMIUM_MARKER);
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await browserServer.close().catch(() => undefined);
    if (browserPid !== undefined) await stopProcess(browserPid, { marker: CHROMIUM_MARKER, graceMs: 2000 });
  };
  try {
    browser = await chromium.connect(browserServer.wsEndpoint());
  } catch (err) {
    await close();
    throw err;
  }
  return { browser, close };
}

/** Launches Debian's Chromium (recorded and stopped by pid) and opens the workbench on `folder`. */
export async function openWorkbench(server: CodeServer, folder: string): Promise<Workbench> {
  const { browser, close: closeBrowser } = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.message}`));
    await page.goto(server.folderUrl(folder));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The explorer shows the folder once the remote file system answers.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    return makeWorkbench(page, server, consoleLines, closeBrowser);
  } catch (err) {
    await closeBrowser();
    throw err;
  }
}

function makeWorkbench(page: Page, server: CodeServer, consoleLines: string[], closeBrowser: () => Promise<void>): Workbench {
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('input.input');

  /** Opens a quick pick with `openKey` (or uses the one already open), filters it and clicks the matching row. */
  async function pick(openKey: string | undefined, text: string, rowMatches: (label: string) => boolean): Promise<void> {
    const open = async (key: string): Promise<void> => {
      // A key pressed while a webview holds the focus can stay in its frame: then take the focus
      // back to the workbench and press again.
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press(key);
        try {
          await quickInputBox.waitFor({ state: 'visible', timeout: 10_000 });
          break;
        } catch (err) {
          if (attempt >= 3) throw err;
          await page.evaluate(() => {
            const a = document.activeElement;
            if (a instanceof HTMLElement && a.tagName === 'IFRAME') a.blur();
          });
        }
      }
    };
    if (openKey) await open(openKey);
    else await quickInputBox.waitFor({ state: 'visible', timeout: 60_000 });
    await quickInputBox.fill(text);
    // Wait until the list shows a matching row, then move the focus onto exactly that row and
    // accept it with Enter (keys, not clicks: rows re-render while the list fills).
    const rows = quickInput.locator('.quick-input-list .monaco-list-row');
    const matching = async (): Promise<boolean> => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).some(rowMatches);
    // Generous in all (60 s): on a busy machine the first file search of a fresh workbench takes
    // a while. A picker this opened keeps the entries it opened with, and one opened before the
    // workbench knew every extension's commands lacks them for good: after a third of that
    // without the row, it is closed and opened again.
    const tries = openKey ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        await waitFor(`a quick pick row for "${text}"`, matching, { timeoutMs: 60_000 / tries });
        break;
      } catch (err) {
        if (attempt >= tries) throw err;
        await page.keyboard.press('Escape');
        await quickInput.waitFor({ state: 'hidden', timeout: 10_000 });
        await open(openKey!);
        await quickInputBox.fill(text);
      }
    }
    for (let i = 0; ; i++) {
      const focused = await quickInput
        .locator('.quick-input-list .monaco-list-row.focused')
        .evaluate((e) => e.getAttribute('aria-label') ?? e.textContent ?? '')
        .catch(() => '');
      if (rowMatches(focused)) break;
      if (i > 50) throw new Error(`could not focus the quick pick row for "${text}"`);
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    // The chosen entry either closes the picker or replaces it with its own (a theme list, say).
    await waitFor(`the quick pick to take "${text}"`, async () => !(await quickInput.isVisible()) || (await quickInputBox.inputValue()) !== text);
  }

  const wb: Workbench = {
    page,
    server,
    consoleLines,
    async runCommand(label) {
      await pick('F1', `>${label}`, (l) => l.startsWith(label) || l.includes(`${label},`) || l === label);
    },
    async setColorTheme(label) {
      await wb.runCommand('Preferences: Color Theme');
      await pick(undefined, label, (l) => l.startsWith(label));
      await quickInput.waitFor({ state: 'hidden' });
    },
    async openFile(relativePath) {
      const base = relativePath.split('/').pop() ?? relativePath;
      await pick('Control+P', relativePath, (l) => l.startsWith(base));
      const editor = wb.activeEditor();
      await waitFor(`an editor on ${relativePath}`, async () => ((await editor.getAttribute('data-uri')) ?? '').endsWith(relativePath));
      return editor;
    },
    async goTo(line, column) {
      await page.keyboard.press('Control+G');
      await quickInputBox.waitFor({ state: 'visible' });
      await quickInputBox.fill(`:${line}:${column}`);
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
      await waitFor(`the cursor at ${line}:${column}`, async () => {
        const status = await page
          .locator('#status\\.editor\\.selection')
          .textContent()
          .catch(() => '');
        return status?.includes(`Ln ${line}, Col ${column}`) ?? false;
      });
    },
    activeEditor() {
      return page.locator('.editor-group-container.active .editor-instance .monaco-editor[data-uri]').first();
    },
    async focusFirstGroup() {
      await page.keyboard.press('Control+1');
    },
    async codeLenses() {
      const items = await wb
        .activeEditor()
        .locator('.codelens-decoration')
        .evaluateAll((els) =>
          els.map((e) => {
            const r = e.getBoundingClientRect();
            return { text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(), top: r.top, bottom: r.bottom };
          }),
        );
      return items.sort((a, b) => a.top - b.top);
    },
    async lineBox(text) {
      const boxes = await wb
        .activeEditor()
        .locator('.view-line')
        .evaluateAll(
          (els, t) =>
            els
              .filter((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').includes(t))
              .map((e) => {
                const r = e.getBoundingClientRect();
                return { top: r.top, bottom: r.bottom };
              }),
          text,
        );
      return boxes.sort((a, b) => a.top - b.top)[0];
    },
    async hoverAt(line, column, ok) {
      await wb.goTo(line, column);
      const hover = page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
      return waitFor(
        'a hover',
        async () => {
          if (!(await hover.isVisible().catch(() => false))) {
            await page.keyboard.press('Control+K');
            await page.keyboard.press('Control+I');
            await hover.waitFor({ state: 'visible', timeout: 3_000 }).catch(() => undefined);
          }
          const text = ((await hover.textContent().catch(() => '')) ?? '').replace(/\s+/g, ' ');
          if (ok(text)) return text;
          await page.keyboard.press('Escape');
          return false;
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
    },
    async save() {
      // An edit made through a quick fix or a widget reaches the document a moment after the
      // widget closes (later still on a loaded machine): wait until the tab shows it, so the
      // save cannot come first and find nothing to save. Then Ctrl+S, again every 5 s while the
      // tab stays dirty: a key pressed as a widget closes can reach no editor.
      const dirty = async () => (await page.locator('.editor-group-container.active .tab.active.dirty').count()) > 0;
      await waitFor('the active editor to have the unsaved edit', dirty, { timeoutMs: 30_000, intervalMs: 100 });
      let pressed = 0;
      await waitFor(
        'the editor to be saved',
        async () => {
          if (!(await dirty())) return true;
          if (Date.now() - pressed >= 5000) {
            await page.keyboard.press('Control+S');
            pressed = Date.now();
          }
          return false;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
    },
    async replaceAll(find, replacement) {
      await page.keyboard.press('Control+H');
      const widget = wb.activeEditor().locator('.find-widget.visible');
      await widget.waitFor({ state: 'visible' });
      await widget.locator('.find-part textarea').fill(find);
      await waitFor(`matches of "${find}"`, async () =>
        /\d+ of \d+/.test(
          (await widget
            .locator('.matchesCount')
            .textContent()
            .catch(() => '')) ?? '',
        ),
      );
      const replaceBox = widget.locator('.replace-part textarea');
      await replaceBox.fill(replacement);
      await replaceBox.focus();
      await page.keyboard.press('Control+Alt+Enter');
      await waitFor(`no more matches of "${find}"`, async () =>
        /No results/i.test(
          (await widget
            .locator('.matchesCount')
            .textContent()
            .catch(() => '')) ?? '',
        ),
      );
      await page.keyboard.press('Escape');
    },
    async codeAction(line, column, matches, onFocused) {
      await wb.goTo(line, column);
      await page.keyboard.press('Control+.');
      const menu = page.locator('.action-widget');
      await menu.waitFor({ state: 'visible' });
      const rows = menu.locator('.monaco-list-row.action');
      const labels = await waitFor('a matching code action', async () => {
        const all = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
        return all.some(matches) ? all : false;
      });
      // The menu takes keys, not clicks (a pointer block covers it while it opens): move the focus to the row, then Enter.
      for (let i = 0; i <= labels.length; i++) {
        const focused =
          (await menu
            .locator('.monaco-list-row.action.focused')
            .getAttribute('aria-label')
            .catch(() => null)) ?? '';
        if (matches(focused)) {
          await onFocused?.();
          await page.keyboard.press('Enter');
          await menu.waitFor({ state: 'hidden' });
          return focused;
        }
        await page.keyboard.press('ArrowDown');
      }
      throw new Error(`could not focus the code action among: ${labels.join(' | ')}`);
    },
    async webviewFrame(selector, timeoutMs = 30_000) {
      return waitFor(
        `a webview showing ${selector}`,
        async () => {
          for (const f of page.frames()) {
            if (f === page.mainFrame()) continue;
            const found = await f
              .locator(selector)
              .count()
              .catch(() => 0);
            if (found > 0) return f;
          }
          return false;
        },
        { timeoutMs },
      );
    },
    async screenshot(name, clip) {
      const file = join(ARTIFACTS, `${name}.png`);
      mkdirSync(join(file, '..'), { recursive: true });
      await page.screenshot({ path: file, ...(clip ? { clip } : {}) });
      return file;
    },
    async saveFailure(name) {
      const dir = join(ARTIFACTS, 'failures', name.replace(/[^\w.-]+/g, '-'));
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, 'screenshot.png') }).catch(() => undefined);
      writeFileSync(join(dir, 'browser-console.log'), consoleLines.join('\n') + '\n');
      server.saveLogs(dir);
      return dir;
    },
    close: closeBrowser,
  };
  return wb;
}
