import * as vscode from 'vscode';

/** A progress notification that appears only when the work outlasts a delay. */
export interface DelayedProgress {
  /** Shows a message and, when given, how far along the work is (0 to 100); nothing before the notification appears. */
  report(message: string, percent?: number): void;
  /** Takes the notification away, or stops it from appearing. */
  done(): void;
}

/**
 * Shows a cancellable progress notification titled `title` once `afterMs` have passed without
 * `done()`, starting with `firstMessage`; its Cancel button calls `onCancel`.
 */
export function delayedProgress(title: string, afterMs: number, firstMessage: string, onCancel: () => void): DelayedProgress {
  let report: ((message: string, percent?: number) => void) | undefined;
  let finish: (() => void) | undefined;
  const notice = setTimeout(() => {
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, cancel) => {
      cancel.onCancellationRequested(onCancel);
      let shown = 0;
      report = (message, percent) => {
        const increment = percent !== undefined ? Math.max(0, percent - shown) : undefined;
        if (percent !== undefined) shown = Math.max(shown, percent);
        progress.report({ message, ...(increment !== undefined ? { increment } : {}) });
      };
      report(firstMessage);
      return new Promise<void>((resolve) => (finish = resolve));
    });
  }, afterMs);
  return {
    report: (message, percent) => report?.(message, percent),
    done: () => {
      clearTimeout(notice);
      finish?.();
    },
  };
}
