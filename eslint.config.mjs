// Lint rules (`npm run lint`): the layer boundaries, no import cycles, and a few correctness
// checks the type checker does not make. Formatting is Prettier's (`npm run format:check`).
// Layers and what each may import are described in docs/ARCHITECTURE.md.
import tseslint from 'typescript-eslint';
import { noImportCycle } from './scripts/lint/importCycle.mjs';

/** Imports a layer must not make: regular expressions over the import string, with the reason. */
const forbid = (...rules) => ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }];
const VSCODE = ['^vscode$', 'Only src/extension may use the editor API.'];
const CLI = ['(^|/)cli/', 'The command line is an entry point: nothing imports it.'];
const EXTENSION = ['(^|/)extension/', 'The extension host is an entry point: nothing outside it imports it.'];
const REPORT = ['(^|/)report/', 'Reports are written by the CLI and the extension host (Export Frontier).'];
const WEBVIEW = ['(^|/)webview/', 'The webview is browser code; share through src/core or src/protocol.ts.'];
const PROTOCOL = ['(^|/)protocol(Endpoint|Payloads|Validators)?\\.ts$', 'The protocol is for the extension host and the webview.'];
const PROTOCOL_PARTS = ['(^|/)protocol(Payloads|Validators)\\.ts$', 'Import the protocol from src/protocol.ts, which re-exports its payloads and checks.'];
const NODE = ['^node:', 'The webview runs in a browser: no Node modules.'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.artifacts/**', 'test/host-runner/**', 'test/fixtures/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin, layers: { rules: { 'no-import-cycle': noImportCycle } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'layers/no-import-cycle': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-declaration-merging': 'error',
      '@typescript-eslint/no-duplicate-enum-values': 'error',
      '@typescript-eslint/prefer-as-const': 'error',
      'no-debugger': 'error',
      'no-dupe-keys': 'error',
      'no-duplicate-case': 'error',
      'no-self-compare': 'error',
      'no-sparse-arrays': 'error',
      'no-unsafe-finally': 'error',
      'no-unsafe-negation': 'error',
      'use-isnan': 'error',
      'valid-typeof': 'error',
      'no-var': 'error',
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  // The core: pure TypeScript, loading and every number. It imports no other layer.
  { files: ['src/core/**/*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, CLI, EXTENSION, REPORT, WEBVIEW, PROTOCOL) } },
  // The protocol shared by the extension host and the webview (its messages, payloads, checks
  // and the channel's ends): core types only.
  { files: ['src/protocol*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, CLI, EXTENSION, REPORT, WEBVIEW, NODE) } },
  // The command line: the core and the report.
  { files: ['src/cli/**/*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, EXTENSION, WEBVIEW, PROTOCOL) } },
  // The report: written in Node from the core; its browser script draws with the webview's chart.
  { files: ['src/report/**/*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, CLI, EXTENSION, PROTOCOL) } },
  { files: ['src/report/browser/**/*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, CLI, EXTENSION, PROTOCOL, NODE) } },
  // The extension host: the only layer with the editor API. Its export writes the CLI's HTML report.
  { files: ['src/extension/**/*.ts'], rules: { 'no-restricted-imports': forbid(CLI, WEBVIEW, PROTOCOL_PARTS) } },
  // The webview: browser code, talking to the host only through the protocol.
  { files: ['webview/**/*.ts'], rules: { 'no-restricted-imports': forbid(VSCODE, CLI, EXTENSION, REPORT, NODE, PROTOCOL_PARTS) } },
);
