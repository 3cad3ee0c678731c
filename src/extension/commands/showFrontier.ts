import * as vscode from 'vscode';
import { Command } from '../constants.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/** "Show Cascade Frontier": opens the frontier panel on an analysis (the one named, the active config's, or a pick). */
export function showFrontier({ context, store }: Services) {
  return async (key?: unknown): Promise<void> => {
    const snapshot = await pickAnalysis(store, key, undefined);
    if (!snapshot) {
      if (store.list().length > 0) return; // the picker was dismissed
      const action = await vscode.window.showInformationMessage('Cascade Frontier found no eval files in this workspace.', 'Select Eval Files');
      if (action) await vscode.commands.executeCommand(Command.SelectEvalFiles);
      return;
    }
    store.touch(snapshot.key);
    FrontierPanel.createOrShow(context, store, snapshot.key);
  };
}
