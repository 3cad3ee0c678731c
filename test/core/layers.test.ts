/**
 * Layer boundaries, checked by reading the sources: the core, the protocol and the webview
 * never import the editor API, and nothing the webview bundle pulls in needs Node.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { importSpecifiers } from '../../scripts/lint/imports.mjs';

const ROOT = resolve(__dirname, '../..');

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const isVscode = (s: string) => s === 'vscode' || s.startsWith('vscode/');
const isNodeBuiltin = (s: string) => s.startsWith('node:') || builtinModules.includes(s.split('/')[0]);

describe('importSpecifiers', () => {
  it('finds every kind of import and skips comments', () => {
    const src = [
      "import * as vscode from 'vscode';",
      'import type { X } from "./x.ts";',
      "import './side-effect.js';",
      "export { y } from '../y.ts';",
      "const z = await import('zlib');",
      "const w = require('node:fs');",
      "// import { no } from 'commented';",
      "/* import { no2 } from 'block'; */",
      "const url = 'https://example.com'; // from 'nothing'",
      'import {\n  a,\n  b,\n} from "multi-line";',
    ].join('\n');
    assert.deepEqual(importSpecifiers(src).sort(), ['../y.ts', './side-effect.js', './x.ts', 'multi-line', 'node:fs', 'vscode', 'zlib'].sort());
  });
});

describe('layers', () => {
  const protocol = readdirSync(join(ROOT, 'src'))
    .filter((name) => /^protocol\w*\.ts$/.test(name))
    .map((name) => join(ROOT, 'src', name));
  const guarded = [...tsFiles(join(ROOT, 'src/core')), ...tsFiles(join(ROOT, 'webview')), ...protocol];

  it('the core, the protocol and the webview never import vscode', () => {
    assert.ok(guarded.length > 3);
    const offenders = guarded.filter((f) => importSpecifiers(readFileSync(f, 'utf8')).some(isVscode)).map((f) => relative(ROOT, f));
    assert.deepEqual(offenders, []);
  });

  it('the protocol imports nothing but core types and its own modules', () => {
    assert.ok(protocol.length >= 4, protocol.join(', '));
    const offenders = protocol.flatMap((f) =>
      importSpecifiers(readFileSync(f, 'utf8'))
        .filter((s) => !s.startsWith('./core/') && !/^\.\/protocol\w*\.ts$/.test(s))
        .map((s) => `${relative(ROOT, f)} imports ${s}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('nothing the webview bundle reaches needs Node or the extension host', () => {
    const seen = new Set<string>();
    const problems: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importSpecifiers(readFileSync(file, 'utf8'))) {
        const where = relative(ROOT, file);
        if (isVscode(spec) || isNodeBuiltin(spec)) problems.push(`${where} imports ${spec}`);
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (relative(ROOT, target).startsWith('src/extension')) problems.push(`${where} imports ${spec} from the extension host`);
        if (target.endsWith('.ts') && existsSync(target)) visit(target);
      }
    };
    visit(join(ROOT, 'webview/main.ts'));
    assert.ok(seen.size > 5, `walked ${seen.size} files`);
    assert.deepEqual(problems, []);
  });
});
