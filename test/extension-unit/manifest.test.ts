/**
 * The command ids and settings the code uses against the ones package.json contributes: the
 * same ids, the same keys and the same defaults, so neither can change without the other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, SECTION, Setting, SETTING_DEFAULTS } from '../../src/extension/constants.ts';

interface Manifest {
  readonly contributes: {
    readonly commands: readonly { readonly command: string }[];
    readonly menus: Readonly<Record<string, readonly { readonly command: string }[]>>;
    readonly configuration: { readonly properties: Readonly<Record<string, { readonly default?: unknown }>> };
  };
}

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as Manifest;
const sorted = (xs: Iterable<string>) => [...xs].sort();

test('package.json contributes exactly the commands the code registers', () => {
  assert.deepEqual(sorted(manifest.contributes.commands.map((c) => c.command)), sorted(Object.values(Command)));
  for (const items of Object.values(manifest.contributes.menus)) for (const item of items) assert.ok(Object.values(Command).includes(item.command as never), `menu item ${item.command}`);
});

test('package.json contributes exactly the settings the code reads, with the same defaults', () => {
  const properties = manifest.contributes.configuration.properties;
  assert.deepEqual(sorted(Object.keys(properties)), sorted(Object.values(Setting).map((k) => `${SECTION}.${k}`)));
  for (const key of Object.values(Setting)) {
    assert.ok('default' in properties[`${SECTION}.${key}`], `${key} has a default in package.json`);
    assert.deepEqual(properties[`${SECTION}.${key}`].default, SETTING_DEFAULTS[key], `default of ${key}`);
  }
});
