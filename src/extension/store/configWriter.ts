import * as vscode from 'vscode';
import type { TextEditSpec } from '../../core/config/edit.ts';
import { configFormatOf } from '../../core/config/tree.ts';
import type { AppliedEdit } from '../analysisSource.ts';
import { SECTION } from '../constants.ts';

/** The text of a file as the editor sees it: the open document (unsaved edits included) or the file on disk. */
export async function readDocumentText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Turns offset-based edits into a `WorkspaceEdit` on a document. */
export function toWorkspaceEdit(document: vscode.TextDocument, edits: readonly TextEditSpec[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
  return edit;
}

/**
 * Applies edits computed from the config's current text through a `WorkspaceEdit` (so they can
 * be undone), then saves the file unless it already had unsaved changes of the user's.
 * @throws Error when the edit cannot be computed or the editor refuses it.
 */
export async function applyEdits(uri: vscode.Uri, compute: (text: string) => readonly TextEditSpec[]): Promise<void> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    // Saving an edit of a deleted config would bring it back.
    throw new Error(`${vscode.workspace.asRelativePath(uri)} no longer exists.`);
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const wasDirty = document.isDirty;
  const edits = compute(document.getText());
  if (edits.length === 0) return;
  if (!(await vscode.workspace.applyEdit(toWorkspaceEdit(document, edits)))) {
    throw new Error(`could not edit ${vscode.workspace.asRelativePath(uri)}: it may be read-only or changed meanwhile. Try again.`);
  }
  if (!wasDirty) await document.save();
}

/**
 * Writes a value into the analysis's cascade config through `edits`, or, for the analysis
 * without a config, into the workspace setting `setting`.
 */
export async function writeConfigOrSetting<T>(
  configUri: vscode.Uri | undefined,
  setting: string,
  value: T,
  edits: (text: string, format: 'yaml' | 'json', value: T) => readonly TextEditSpec[],
): Promise<void> {
  if (!configUri) {
    await vscode.workspace.getConfiguration(SECTION).update(setting, value, vscode.ConfigurationTarget.Workspace);
    return;
  }
  await applyEdits(configUri, (text) => edits(text, configFormatOf(configUri.path), value));
}

/**
 * Takes back a policy written into a config: the config's text before it, when the config still
 * reads as the edit left it (then through a `WorkspaceEdit`, so it can be redone).
 * @throws Error when the config changed since, or the edit created the config.
 */
export async function undoAppliedEdit(edit: AppliedEdit): Promise<void> {
  if (edit.created || edit.before === undefined || edit.after === undefined) throw new Error('the config was created by this change: delete it to take it back.');
  const { before, after } = edit;
  await applyEdits(edit.uri, (text) => {
    if (text !== after) throw new Error(`${vscode.workspace.asRelativePath(edit.uri)} changed since; use Undo in its editor.`);
    return [{ offset: 0, length: text.length, text: before }];
  });
}
