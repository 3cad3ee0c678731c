/**
 * Chart colours from the editor's theme. The editor sets its colours as CSS variables on the
 * webview's root and the theme kind as a class of `body`; the chart reads both and reads
 * them again when either changes.
 */

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface ChartPalette {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly muted: string;
  readonly grid: string;
  readonly background: string;
  readonly envelope: string;
  readonly hull: string;
  readonly single: string;
  readonly recommended: string;
  readonly configured: string;
  readonly budget: string;
  readonly switching: string;
  readonly selected: string;
  /** The comparison's overlays: full chain, best subsequence, router, perfect-routing bound. */
  readonly chain: string;
  readonly subsequence: string;
  readonly router: string;
  readonly bound: string;
  readonly tooltipBackground: string;
  readonly tooltipForeground: string;
  readonly tooltipBorder: string;
  /** Colours the pair curves cycle through. */
  readonly pairs: readonly string[];
  readonly fontFamily: string;
  readonly fontSize: number;
}

/** The theme kind from `body`'s classes (`vscode-light`, `vscode-dark`, `vscode-high-contrast`, `vscode-high-contrast-light`). */
export function themeKindOf(classes: Iterable<string>): ThemeKind {
  const set = new Set(classes);
  if (set.has('vscode-high-contrast-light')) return 'high-contrast-light';
  if (set.has('vscode-high-contrast')) return 'high-contrast';
  if (set.has('vscode-light')) return 'light';
  return 'dark';
}

/**
 * A colour with its alpha multiplied by `alpha`, for `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`,
 * `rgb()` and `rgba()`; other notations are returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let r: number,
    g: number,
    b: number,
    a = 1;
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(c);
  if (hex) {
    let h = hex[1];
    if (h.length <= 4) h = [...h].map((d) => d + d).join('');
    r = parseInt(h.slice(0, 2), 16);
    g = parseInt(h.slice(2, 4), 16);
    b = parseInt(h.slice(4, 6), 16);
    if (h.length === 8) a = parseInt(h.slice(6, 8), 16) / 255;
  } else {
    const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/i.exec(c);
    if (!fn) return c;
    r = Number(fn[1]);
    g = Number(fn[2]);
    b = Number(fn[3]);
    if (fn[4] !== undefined) a = fn[4].endsWith('%') ? Number(fn[4].slice(0, -1)) / 100 : Number(fn[4]);
  }
  const out = Math.round(Math.min(1, Math.max(0, a * alpha)) * 1000) / 1000;
  return `rgba(${r}, ${g}, ${b}, ${out})`;
}

/** Last resort when the editor gives no colour at all (e.g. the page opened outside the editor). */
const NEUTRAL = '#808080';

/**
 * The chart's palette from the theme's CSS variables. `read(name)` returns a variable's value
 * (empty when unset); each role falls back along related variables.
 */
export function readPalette(read: (name: string) => string, kind: ThemeKind): ChartPalette {
  const pick = (...names: string[]): string => {
    for (const n of names) {
      const v = read(n).trim();
      if (v) return v;
    }
    return '';
  };
  const foreground = pick('--vscode-editor-foreground', '--vscode-foreground') || NEUTRAL;
  const chart = (name: string) => pick(`--vscode-charts-${name}`) || foreground;
  const highContrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const pairs = ['blue', 'red', 'yellow', 'orange', 'green', 'purple'].map((c) => withAlpha(chart(c), highContrast ? 0.9 : 0.45));
  const fontSize = Number.parseFloat(pick('--vscode-font-size'));
  return {
    kind,
    foreground,
    muted: pick('--vscode-descriptionForeground') || withAlpha(foreground, 0.7),
    // Derived from the foreground so that it changes with every theme (border colours are often
    // the same grey in light and dark themes).
    grid: withAlpha(foreground, highContrast ? 0.45 : 0.15),
    background: pick('--vscode-editor-background', '--vscode-sideBar-background') || 'transparent',
    envelope: chart('blue'),
    hull: chart('purple'),
    single: pick('--vscode-charts-foreground') || foreground,
    recommended: chart('green'),
    configured: chart('orange'),
    // A neutral reference line, apart from every series colour (red is the full chain's).
    budget: withAlpha(foreground, highContrast ? 1 : 0.8),
    switching: chart('yellow'),
    selected: pick('--vscode-focusBorder') || foreground,
    chain: chart('red'),
    subsequence: chart('orange'),
    router: chart('green'),
    bound: withAlpha(foreground, 0.75),
    tooltipBackground: pick('--vscode-editorHoverWidget-background', '--vscode-editorWidget-background') || 'rgba(0, 0, 0, 0.8)',
    tooltipForeground: pick('--vscode-editorHoverWidget-foreground', '--vscode-editorWidget-foreground') || foreground,
    tooltipBorder: pick('--vscode-editorHoverWidget-border', '--vscode-widget-border') || withAlpha(foreground, 0.3),
    pairs,
    fontFamily: pick('--vscode-font-family') || 'sans-serif',
    fontSize: Number.isFinite(fontSize) && fontSize > 0 ? fontSize : 13,
  };
}
