import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readPalette, themeKindOf, withAlpha } from '../../webview/theme.ts';

describe('themeKindOf', () => {
  it('reads the body classes the editor sets', () => {
    assert.equal(themeKindOf(['vscode-light']), 'light');
    assert.equal(themeKindOf(['vscode-dark']), 'dark');
    assert.equal(themeKindOf(['vscode-high-contrast']), 'high-contrast');
    assert.equal(themeKindOf(['vscode-high-contrast', 'vscode-high-contrast-light']), 'high-contrast-light');
    assert.equal(themeKindOf([]), 'dark');
  });
});

describe('withAlpha', () => {
  it('handles hex and rgb notations', () => {
    assert.equal(withAlpha('#ff8000', 0.5), 'rgba(255, 128, 0, 0.5)');
    assert.equal(withAlpha('#f80', 0.5), 'rgba(255, 136, 0, 0.5)');
    // #80808059: alpha 0x59 / 255 = 0.349..., halved.
    assert.equal(withAlpha('#80808059', 0.5), 'rgba(128, 128, 128, 0.175)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.2), 'rgba(1, 2, 3, 0.2)');
    assert.equal(withAlpha('rgba(1, 2, 3, 0.5)', 0.5), 'rgba(1, 2, 3, 0.25)');
  });

  it('leaves other notations alone', () => {
    assert.equal(withAlpha('red', 0.5), 'red');
  });
});

describe('readPalette', () => {
  const dark: Record<string, string> = {
    '--vscode-editor-foreground': '#d4d4d4',
    '--vscode-editor-background': '#1e1e1e',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-green': '#89d185',
    '--vscode-font-size': '13px',
  };
  const light: Record<string, string> = { ...dark, '--vscode-editor-foreground': '#000000', '--vscode-editor-background': '#ffffff', '--vscode-charts-blue': '#1a85ff' };

  it('takes every colour from the theme variables', () => {
    const p = readPalette((n) => dark[n] ?? '', 'dark');
    assert.equal(p.foreground, '#d4d4d4');
    assert.equal(p.background, '#1e1e1e');
    assert.equal(p.envelope, '#3794ff');
    assert.equal(p.recommended, '#89d185');
    assert.equal(p.grid, 'rgba(212, 212, 212, 0.15)');
    assert.equal(p.fontSize, 13);
    // A chart colour the theme does not define falls back to the foreground.
    assert.equal(p.hull, '#d4d4d4');
  });

  it('gives different chart colours for a light theme (so a theme change shows)', () => {
    const a = readPalette((n) => dark[n] ?? '', 'dark');
    const b = readPalette((n) => light[n] ?? '', 'light');
    assert.notEqual(a.grid, b.grid);
    assert.notEqual(a.envelope, b.envelope);
    assert.equal(b.kind, 'light');
  });

  it('makes pair curves more opaque in high contrast', () => {
    const normal = readPalette((n) => dark[n] ?? '', 'dark');
    const hc = readPalette((n) => dark[n] ?? '', 'high-contrast');
    assert.equal(normal.pairs[0], 'rgba(55, 148, 255, 0.45)');
    assert.equal(hc.pairs[0], 'rgba(55, 148, 255, 0.9)');
  });
});
