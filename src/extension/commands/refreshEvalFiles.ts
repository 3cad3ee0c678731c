import type { Services } from '../services.ts';

/** "Refresh" in the Eval Files view: looks at the workspace's files again. */
export function refreshEvalFiles({ scanner }: Services) {
  return async (): Promise<void> => {
    await scanner.rescan();
  };
}
