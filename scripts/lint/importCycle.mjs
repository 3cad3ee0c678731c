// An ESLint rule (local plugin `layers`, rule `no-import-cycle`): a module may not reach itself
// through its relative imports. Unlike the usual no-cycle rules it counts type-only imports
// too (`import type`), because a type cycle still ties two modules together: neither can move
// or be read without the other. Imports are read from the source text of each file once per
// lint run; bare specifiers (packages, `node:`) are never followed.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { importSpecifiers } from './imports.mjs';

const edges = new Map();

/** The files a file imports by relative path that exist (`.ts` specifiers, as the sources write them). */
function importsOf(file) {
  let out = edges.get(file);
  if (out) return out;
  out = [];
  edges.set(file, out);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const spec of importSpecifiers(text)) {
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec);
    if (existsSync(target) && !out.includes(target)) out.push(target);
  }
  return out;
}

/** A path of imports from `start` back to `start`, or undefined. Depth-first, each file once. */
function cycleFrom(start, first) {
  const seen = new Set([first]);
  const path = [first];
  const walk = (file) => {
    for (const next of importsOf(file)) {
      if (next === start) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (walk(next)) return true;
      path.pop();
    }
    return false;
  };
  if (first === start) return [start];
  return walk(first) ? path : undefined;
}

export const noImportCycle = {
  meta: {
    type: 'problem',
    docs: { description: 'disallow import cycles between modules, type-only imports included' },
    schema: [],
    messages: { cycle: 'Import cycle: {{chain}}. Move what both sides need into a module that neither imports back.' },
  },
  create(context) {
    const file = resolve(context.filename);
    const cwd = context.cwd ?? process.cwd();
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec);
      if (!existsSync(target)) return;
      const path = cycleFrom(file, target);
      if (path) context.report({ node: node.source, messageId: 'cycle', data: { chain: [file, ...path, file].map((f) => relative(cwd, f)).join(' -> ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};
