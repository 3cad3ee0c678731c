import type * as vscode from 'vscode';

/** `to` relative to the folder `from`, `/`-separated (`../` segments when outside it). */
export function relativePath(from: vscode.Uri, to: vscode.Uri): string {
  const a = from.path.replace(/\/+$/, '').split('/');
  const b = to.path.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...Array(a.length - i).fill('..'), ...b.slice(i)].join('/');
}
