/**
 * The editor's webview API behind a small interface, so the panel's logic can run against a
 * fake (in tests, or in a page opened outside the editor).
 */

export interface HostApi {
  postMessage(message: unknown): void;
  /** What the last `setState` stored, across hiding and window reloads; undefined at first. */
  getState(): unknown;
  setState(state: unknown): void;
}

declare global {
  /** Provided by the editor inside a webview; may be called once. */
  function acquireVsCodeApi(): HostApi;
}

/** The editor's API when running in a webview, else an in-memory stand-in that drops messages. */
export function acquireHostApi(): HostApi {
  if (typeof acquireVsCodeApi === 'function') return acquireVsCodeApi();
  let state: unknown;
  return {
    postMessage: () => {},
    getState: () => state,
    setState: (s) => {
      state = s;
    },
  };
}
