// Extension-host suite: runs inside a real editor's extension host (code-server through the
// development-only runner in `test/host-runner/`, or a desktop VS Code through
// `@vscode/test-electron`) with the example workspace open. Expected figures come from
// outside the extension (the CLI's `--json` and a brute-force sweep, computed by the
// end-to-end test) in the JSON file named by CASCADE_FRONTIER_HOST_EXPECTED.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ExpectedValues } from '../e2e/support/expectedTypes.ts';
import { showsNumber } from './numbers.ts';

const EXTENSION_ID = 'cascade-frontier.cascade-frontier';
const COMMANDS = [
  'cascadeFrontier.showFrontier',
  'cascadeFrontier.applyRecommendedThreshold',
  'cascadeFrontier.exportFrontier',
  'cascadeFrontier.selectEvalFiles',
  'cascadeFrontier.setBudget',
  'cascadeFrontier.createConfig',
  'cascadeFrontier.refreshEvalFiles',
  'cascadeFrontier.useLearnedConfidence',
];
const FRONTIER_VIEW_TYPE = 'cascadeFrontier.frontier';

function expected(): ExpectedValues {
  const file = process.env.CASCADE_FRONTIER_HOST_EXPECTED;
  assert.ok(file, 'CASCADE_FRONTIER_HOST_EXPECTED must name the expected-values file');
  return JSON.parse(readFileSync(file, 'utf8')) as ExpectedValues;
}

/** Polls until `check` returns a value (not undefined/false); the deadline only bounds a broken product. */
async function eventually<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function workspaceUri(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the example workspace must be open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Plain text of hover contents (markdown or marked strings). */
function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

function diagnosticCode(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' ? d.code.value : d.code;
}

/** Replaces a document's whole text and saves it. */
async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  await doc.save();
}

suite('Cascade Frontier in the extension host', () => {
  let exp: ExpectedValues;
  let configUri: vscode.Uri;
  let thresholdPos: vscode.Position;

  suiteSetup(async () => {
    exp = expected();
    configUri = workspaceUri(exp.configFile);
    thresholdPos = new vscode.Position(exp.thresholdPosition.line - 1, exp.thresholdPosition.column - 1);
  });

  test('activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  test('registers every command of package.json', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of COMMANDS) assert.ok(all.has(c), `command ${c} is registered`);
    const contributed = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands?.map((c) => c.command) ?? [];
    assert.deepEqual([...contributed].sort(), [...COMMANDS].sort());
  });

  test('"Show Cascade Frontier" opens the frontier panel', async () => {
    await vscode.commands.executeCommand('cascadeFrontier.showFrontier');
    const tab = await eventually('a frontier webview tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(FRONTIER_VIEW_TYPE)),
    );
    assert.ok(tab.label.length > 0);
    // Running it again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('cascadeFrontier.showFrontier');
    const count = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(FRONTIER_VIEW_TYPE)).length;
    assert.equal(count, 1);
  });

  test('CodeLens on the cascade config shows the recommended threshold for the budget', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(configUri));
    const want = exp.recommendedThreshold;
    assert.notEqual(want, exp.cascade.threshold, 'the example config starts off the recommended threshold');
    // The lens of the threshold line itself (other lenses, e.g. the budget's, may name the same policy).
    const lens = await eventually('a CodeLens on the threshold line suggesting a threshold', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', configUri, 100)) ?? [];
      return lenses.find((l) => l.command && l.range.start.line === thresholdPos.line && /Suggested threshold/.test(l.command.title));
    });
    const title = lens.command!.title;
    assert.ok(want === null ? /null/.test(title) : showsNumber(title, want), `the lens suggests ${want}: ${title}`);
  });

  test('hover on the threshold shows the shadow price and the escalation rate', async () => {
    const text = await eventually('a hover with the escalation rate', async () => {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', configUri, thresholdPos)) ?? [];
      const t = hoverText(hovers);
      return /shadow price/i.test(t) && showsNumber(t, exp.configured.escalationRate) ? t : undefined;
    });
    const lambdas = [exp.shadowPrice.lambdaLeft, exp.shadowPrice.lambdaRight].filter((x): x is number => x !== null);
    assert.ok(lambdas.length > 0, 'the expected shadow price is defined');
    // The unit is quality points bought by one more dollar per 1,000 queries: lambda * 100 / 1000,
    // read from the number written right before that unit (either side of a vertex).
    const shown = [...text.matchAll(/(\S+) quality points per (?:extra )?\$1 per 1k queries/g)].map((m) => m[1]).join(' ');
    assert.ok(
      lambdas.some((l) => showsNumber(shown, l / 10)),
      `hover shows a shadow price of ${lambdas.map((l) => l / 10).join(' or ')} quality points per extra $1 per 1k queries:\n${text}`,
    );
  });

  test('a malformed eval line becomes a diagnostic at its file and line', async () => {
    const uri = workspaceUri(exp.evalFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    const original = doc.getText();
    const badLine = doc.lineCount + (original.endsWith('\n') ? 0 : 1); // 1-based line of the appended text
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, doc.lineAt(doc.lineCount - 1).range.end, `${original.endsWith('\n') ? '' : '\n'}this line is not JSON\n`);
    assert.equal(await vscode.workspace.applyEdit(edit), true);
    await doc.save();
    try {
      const diag = await eventually(`a diagnostic on ${exp.evalFile}:${badLine}`, () => vscode.languages.getDiagnostics(uri).find((d) => d.range.start.line === badLine - 1));
      assert.equal(diag.source, 'Cascade Frontier');
    } finally {
      await setText(doc, original);
    }
    await eventually('the diagnostic to clear once the line is gone', () => vscode.languages.getDiagnostics(uri).every((d) => d.range.start.line !== badLine - 1));
  });

  test('a cascade the envelope dominates gets a warning with a quick fix to the dominating policy', async function () {
    const dom = exp.dominatedBy;
    if (!dom) this.skip();
    const diag = await eventually('a "dominated" diagnostic on the cascade key', () =>
      vscode.languages.getDiagnostics(configUri).find((d) => d.source === 'Cascade Frontier' && diagnosticCode(d) === 'dominated'),
    );
    assert.equal(diag.range.start.line, exp.cascadeLine - 1, 'on the cascade: key');
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(showsNumber(diag.message, dom.quality), `the message gives the dominating quality ${dom.quality}: ${diag.message}`);
    const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', configUri, diag.range)) ?? [];
    // Found by what it writes, not by its title: the dominating policy's models and threshold.
    const writes = (a: vscode.CodeAction): string =>
      a.edit
        ?.entries()
        .flatMap(([, edits]) => edits.map((e) => e.newText))
        .join('\n') ?? '';
    const doc = await vscode.workspace.openTextDocument(configUri);
    const after = (a: vscode.CodeAction): string => {
      let text = doc.getText();
      const edits = a.edit?.entries().flatMap(([, e]) => e) ?? [];
      for (const e of [...edits].sort((x, y) => doc.offsetAt(y.range.start) - doc.offsetAt(x.range.start))) {
        text = text.slice(0, doc.offsetAt(e.range.start)) + e.newText + text.slice(doc.offsetAt(e.range.end));
      }
      return text;
    };
    const fix = actions.find((a) => {
      if (a.kind?.value !== 'quickfix' || !a.edit) return false;
      const text = after(a);
      return dom.models.every((m) => text.includes(m)) && (dom.threshold === null || showsNumber(writes(a), dom.threshold));
    });
    assert.ok(fix, `a quick fix on the warning writes ${dom.models.join(' -> ')} at ${dom.threshold}, among: ${actions.map((a) => `${a.title} [${writes(a)}]`).join(' | ')}`);
  });

  test("the config's diagnostics are the findings of cascade-frontier check, at the same lines (as is, and broken)", async function () {
    const check = exp.check;
    if (!check) this.skip();
    this.timeout(120_000);
    const ours = () =>
      vscode.languages
        .getDiagnostics(configUri)
        .filter((d) => d.source === 'Cascade Frontier')
        .map((d) => ({
          code: String(diagnosticCode(d)),
          severity: d.severity === vscode.DiagnosticSeverity.Error ? 'error' : d.severity === vscode.DiagnosticSeverity.Warning ? 'warning' : 'information',
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          message: d.message,
        }))
        .sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1));
    const sorted = (f: readonly { code: string; line: number; column: number }[]) => [...f].sort((a, b) => a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : 1));
    const same = (want: readonly unknown[]) => {
      const got = ours();
      try {
        assert.deepEqual(got, want);
        return got;
      } catch {
        return undefined;
      }
    };
    const original = sorted(check.original);
    await eventually(`the diagnostics ${JSON.stringify(original)}`, () => same(original), 60_000).catch(() => assert.deepEqual(ours(), original));
    const doc = await vscode.workspace.openTextDocument(configUri);
    const before = doc.getText();
    try {
      await setText(doc, check.variant.text);
      const variant = sorted(check.variant.findings);
      assert.ok(variant.some((f) => f.code === 'over-budget') && variant.some((f) => f.code === 'unpriced-model'), `the broken variant has findings: ${JSON.stringify(variant)}`);
      await eventually(`the diagnostics ${JSON.stringify(variant)}`, () => same(variant), 60_000).catch(() => assert.deepEqual(ours(), variant));
    } finally {
      await setText(doc, before);
    }
    // The next tests read the analysis of the config as it was: wait until it is back.
    await eventually('the diagnostics of the restored config', () => same(original), 60_000);
  });

  test('the quick fix writes the recommended threshold and keeps the comments', async () => {
    const doc = await vscode.workspace.openTextDocument(configUri);
    const before = doc.getText();
    const comments = before
      .split('\n')
      .filter((l) => /^\s*#/.test(l) || /\s#\s/.test(l))
      .map((l) => l.slice(l.indexOf('#')));
    const range = doc.lineAt(thresholdPos.line).range;
    const action = await eventually('a quick fix that applies the recommended threshold', async () => {
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', configUri, range)) ?? [];
      return actions.find((a) => /recommended threshold/i.test(a.title));
    });
    if (action.edit) assert.equal(await vscode.workspace.applyEdit(action.edit), true);
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    const after = await eventually('the config to change', () => (doc.getText() !== before ? doc.getText() : undefined));
    const line = after.split('\n')[thresholdPos.line] ?? '';
    const want = exp.recommendedThreshold;
    assert.ok(want === null ? /null|~|inf/i.test(line) : showsNumber(line, want), `threshold line now holds ${want}: ${line}`);
    for (const c of comments) assert.ok(after.includes(c), `comment kept: ${c}`);
    // Put the config back, so the workspace is as the other tests expect it.
    await setText(doc, before);
  });
});
