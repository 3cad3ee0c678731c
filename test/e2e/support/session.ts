// One code-server with the packaged extension and a workbench on a fresh copy of the example
// workspace per test file: started before its tests, stopped (and its folders removed) after.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { removeRunDir, startCodeServer, type CodeServer } from './codeServer.ts';
import { EXTENSION_VSIX } from './paths.ts';
import { openWorkbench, type Workbench } from './workbench.ts';
import { copyExampleWorkspace } from './workspace.ts';

export interface EditorSession {
  server: CodeServer;
  wb: Workbench;
  /** The workspace copy the workbench shows. */
  workspace: string;
}

/**
 * Registers the `before` and `after` hooks of a test file's editor: `prepare` runs on the
 * workspace copy before the editor starts, `ready` once the workbench is open (top-level
 * `before` hooks are not awaited one after the other, so a file reads the session there).
 */
export function editorSession(label: string, hooks: { readonly prepare?: (workspace: string) => void; readonly ready?: (session: EditorSession) => void } = {}): EditorSession {
  const session = {} as EditorSession;
  before(async () => {
    session.workspace = copyExampleWorkspace(label);
    hooks.prepare?.(session.workspace);
    session.server = await startCodeServer({ name: label, extensions: [EXTENSION_VSIX] });
    session.wb = await openWorkbench(session.server, session.workspace);
    hooks.ready?.(session);
  });
  after(async () => {
    await session.wb?.close();
    await session.server?.stop();
    if (session.server) removeRunDir(session.server.dir);
    if (session.workspace) rmSync(join(session.workspace, '..'), { recursive: true, force: true });
  });
  return session;
}
