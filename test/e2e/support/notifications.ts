import { waitFor } from './wait.ts';
import type { Workbench } from './workbench.ts';

/** The notification toasts in view: each one's message and buttons. */
export async function notificationToasts(wb: Workbench): Promise<{ text: string; buttons: string[] }[]> {
  return wb.page.locator('.notification-toast').evaluateAll((els) =>
    els.map((e) => ({
      text: (e.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
      buttons: [...e.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => (b.textContent ?? '').trim()),
    })),
  );
}

/** The toasts in view, as one line for a failure's message. */
export async function toastsShown(wb: Workbench): Promise<string> {
  const toasts = await notificationToasts(wb);
  return toasts.length === 0 ? 'no notification' : toasts.map((t) => `"${t.text}" [${t.buttons.join(', ')}]`).join('; ');
}

/** The visible notification toast whose message matches, with its buttons (waits up to 90 s). */
export async function notificationToast(wb: Workbench, matches: RegExp): Promise<{ text: string; buttons: string[] }> {
  return waitFor(`a notification matching ${matches}`, async () => (await notificationToasts(wb)).find((t) => matches.test(t.text)) ?? false, {
    timeoutMs: 90_000,
    describe: () => toastsShown(wb),
  });
}
