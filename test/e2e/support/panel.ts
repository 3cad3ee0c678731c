// Reads the frontier webview through its stable test hooks (documented at the top of
// `webview/main.ts`): `#frontier-root`, `#chart-container`, `canvas#frontier-chart`,
// `table#vertex-table` rows with full-precision data attributes, `#recommendation`, `#problem-count`.
import type { Frame } from 'playwright-core';
import { waitFor, type WaitOptions } from './wait.ts';
import type { Workbench } from './workbench.ts';

export interface VertexRow {
  readonly models: string;
  readonly threshold: string;
  readonly cost: number;
  readonly quality: number;
  readonly escalationRate: number;
  readonly recommended: boolean;
  /** The row as a person reads it. */
  readonly text: string;
}

export interface PanelState {
  readonly status: string;
  readonly computedAt: string;
  readonly rows: readonly VertexRow[];
  readonly chart: {
    readonly themeKind: string;
    readonly foreground: string;
    readonly background: string;
    readonly renderCount: number;
    readonly width: number;
    readonly height: number;
  };
  readonly errors: number;
  readonly warnings: number;
}

/** The frame of the frontier webview (re-found on every call: a hidden webview loses its frame). */
export function panelFrame(wb: Workbench, timeoutMs?: number): Promise<Frame> {
  return wb.webviewFrame('#frontier-root', timeoutMs);
}

/** Current state of the panel, read in one round trip. */
export async function readPanel(frame: Frame): Promise<PanelState> {
  return frame.evaluate(() => {
    const root = document.getElementById('frontier-root');
    const chart = document.getElementById('chart-container');
    const canvas = document.getElementById('frontier-chart') as HTMLCanvasElement | null;
    const count = document.getElementById('problem-count');
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('table#vertex-table tbody tr')].map((tr) => ({
      models: tr.dataset.models ?? '',
      threshold: tr.dataset.threshold ?? '',
      cost: Number(tr.dataset.cost),
      quality: Number(tr.dataset.quality),
      escalationRate: Number(tr.dataset.escalationRate),
      recommended: tr.classList.contains('recommended'),
      text: (tr.innerText || tr.textContent || '').replace(/\s+/g, ' ').trim(),
    }));
    return {
      status: root?.dataset.status ?? '',
      computedAt: root?.dataset.computedAt ?? '',
      rows,
      chart: {
        themeKind: chart?.dataset.themeKind ?? '',
        foreground: chart?.dataset.foregroundColor ?? '',
        background: chart?.dataset.backgroundColor ?? '',
        renderCount: Number(chart?.dataset.renderCount ?? 0),
        width: canvas?.width ?? 0,
        height: canvas?.height ?? 0,
      },
      errors: Number(count?.dataset.errors ?? 0),
      warnings: Number(count?.dataset.warnings ?? 0),
    };
  });
}

/** Waits until the panel's state satisfies `ok`; returns that state. */
export async function waitForPanel(wb: Workbench, what: string, ok: (s: PanelState) => boolean, opts: WaitOptions = {}): Promise<PanelState> {
  let last: PanelState | undefined;
  try {
    return await waitFor(
      what,
      async () => {
        const frame = await panelFrame(wb, 2_000).catch(() => undefined);
        if (!frame) return false;
        const s = await readPanel(frame).catch(() => undefined);
        if (s) last = s;
        return s && ok(s) ? s : false;
      },
      { timeoutMs: 30_000, ...opts },
    );
  } catch (err) {
    const seen = last ? `\nlast panel state: ${JSON.stringify({ ...last, rows: [last.rows[0], last.rows.at(-1)], rowCount: last.rows.length })}` : '';
    throw new Error(`${(err as Error).message}${seen}`);
  }
}

/**
 * Share of the canvas's pixels (sampled on a grid) close to `rgb`, and the colour of a
 * corner pixel: shows what the chart really painted, beyond the attributes it sets.
 */
export async function canvasColours(frame: Frame): Promise<{ corner: [number, number, number, number]; opaque: number }> {
  return frame.evaluate(() => {
    const canvas = document.getElementById('frontier-chart') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('the chart canvas has no 2d context');
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0;
    let n = 0;
    for (let i = 0; i < d.length; i += 4 * 97) {
      n++;
      if (d[i + 3]! > 0) opaque++;
    }
    return { corner: [d[0]!, d[1]!, d[2]!, d[3]!] as [number, number, number, number], opaque: opaque / n };
  });
}

/** Relative luminance (0..1) of a CSS colour `rgb(...)`, `#rrggbb` or `[r, g, b]`. */
export function luminance(colour: string | readonly number[]): number {
  let rgb: number[];
  if (typeof colour !== 'string') rgb = colour.slice(0, 3);
  else if (colour.startsWith('#')) {
    const hex = colour.length === 4 ? [...colour.slice(1)].map((c) => c + c).join('') : colour.slice(1, 7);
    rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  } else rgb = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * Waits until the comparison is in and the panel has not changed for one interval (status,
 * comparison status, computed time and chart renders the same twice in a row): a result that
 * comes redraws the panel's sections (the focused control drawn anew in its place), so a test
 * that reads the panel or crosses it with the keyboard waits for the last result.
 */
export async function waitForQuietPanel(frame: Frame, timeoutMs: number): Promise<void> {
  let seen = '';
  await waitFor(
    'the comparison, and the panel quiet for 2.5 s',
    async () => {
      const now = await frame.evaluate(() => {
        const root = document.getElementById('frontier-root');
        return `${root?.dataset.status} ${root?.dataset.comparisonStatus} ${root?.dataset.computedAt} ${document.getElementById('chart-container')?.dataset.renderCount}`;
      });
      const quiet = now === seen && now.startsWith('idle ready ');
      seen = now;
      return quiet;
    },
    { timeoutMs, intervalMs: 2500 },
  );
}
