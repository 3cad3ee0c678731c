import { waitFor } from './wait.ts';
import type { Workbench } from './workbench.ts';

/** The visible notification toast whose message matches, with its buttons (waits up to 90 s). */
export async function notificationToast(wb: Workbench, matches: RegExp): Promise<{ text: string; buttons: string[] }> {
  return waitFor(
    `a notification matching ${matches}`,
    async () => {
      const toasts = await wb.page.locator('.notification-toast').evaluateAll((els) =>
        els.map((e) => ({
          text: (e.querySelector('.notification-list-item-message')?.textContent ?? '').replace(/\s+/g, ' ').trim(),
          buttons: [...e.querySelectorAll('.notification-list-item-buttons-container .monaco-button')].map((b) => (b.textContent ?? '').trim()),
        })),
      );
      return toasts.find((t) => matches.test(t.text)) ?? false;
    },
    { timeoutMs: 90_000 },
  );
}
