import * as vscode from 'vscode';
import { Command, ContextKey } from '../constants.ts';
import { FrontierPanel } from '../panel/FrontierPanel.ts';
import type { Services } from '../services.ts';
import { analysisReading, uriOf } from './evalFileArgs.ts';
import { pickAnalysis } from './pickAnalysis.ts';

/**
 * "Show Cascade Frontier": opens the frontier panel on an analysis: the one named, the one that
 * reads an eval file or folder (from the explorer or the Eval Files view), the active config's,
 * or a pick.
 */
export function showFrontier({ context, store }: Services) {
  return async (arg?: unknown): Promise<void> => {
    let key: unknown = arg;
    const uri = uriOf(arg);
    if (uri) {
      await store.ready();
      key = analysisReading(store, uri);
      if (key === undefined) {
        const action = await vscode.window.showInformationMessage(
          `No analysis reads ${vscode.workspace.asRelativePath(uri)} yet: a cascade config names the eval files to analyse.`,
          'Create Cascade Config',
        );
        if (action) await vscode.commands.executeCommand(Command.CreateConfig, uri);
        return;
      }
    }
    const snapshot = await pickAnalysis(store, key, undefined);
    if (!snapshot) {
      if (store.list().length > 0) return; // the picker was dismissed
      const action = await vscode.window.showInformationMessage('Cascade Frontier found no eval files in this workspace.', 'Select Eval Files');
      if (action) await vscode.commands.executeCommand(Command.SelectEvalFiles);
      return;
    }
    store.touch(snapshot.key);
    FrontierPanel.createOrShow(context, store, snapshot.key);
    void vscode.commands.executeCommand('setContext', ContextKey.FrontierShown, true);
  };
}
