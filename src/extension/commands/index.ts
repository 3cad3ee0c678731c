import * as vscode from 'vscode';
import { Command, type CommandId } from '../constants.ts';
import type { Services } from '../services.ts';
import { applyRecommendedThreshold } from './applyRecommendedThreshold.ts';
import { exportFrontier } from './exportFrontier.ts';
import { selectEvalFiles } from './selectEvalFiles.ts';
import { setBudget } from './setBudget.ts';
import { showFrontier } from './showFrontier.ts';
import { createConfig } from './createConfig.ts';
import { refreshEvalFiles } from './refreshEvalFiles.ts';
import { useLearnedConfidence } from './useLearnedConfidence.ts';

type Handler = (...args: never[]) => unknown;

const COMMANDS: Record<CommandId, (services: Services) => Handler> = {
  [Command.ShowFrontier]: showFrontier,
  [Command.ApplyRecommendedThreshold]: applyRecommendedThreshold,
  [Command.ExportFrontier]: exportFrontier,
  [Command.SelectEvalFiles]: selectEvalFiles,
  [Command.SetBudget]: setBudget,
  [Command.CreateConfig]: createConfig,
  [Command.RefreshEvalFiles]: refreshEvalFiles,
  [Command.UseLearnedConfidence]: useLearnedConfidence,
};

/** Registers every contributed command. */
export function registerCommands(services: Services): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, create]) => vscode.commands.registerCommand(id, create(services)));
}
