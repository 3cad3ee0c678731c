import * as vscode from 'vscode';
import type { AnalysisResult } from '../../core/types.ts';
import { parseCascadeConfig, type CascadeConfig } from '../../core/config/config.ts';
import { configFormatOf, isCascadeConfigFileName, type Span } from '../../core/config/tree.ts';
import type { AnalysisSnapshot } from '../analysisSource.ts';
import type { AnalysisStore } from '../store/AnalysisStore.ts';

/** A config document with its parsed content and the analysis it belongs to. */
export interface ConfigContext {
  readonly document: vscode.TextDocument;
  readonly key: string;
  readonly config: CascadeConfig;
  readonly snapshot?: AnalysisSnapshot;
  /** The last good result; when `stale` is set it belongs to an earlier analysis (the last one failed). */
  readonly result?: AnalysisResult;
  /** Why the result is from an earlier analysis: the last recompute's error. */
  readonly stale?: string;
}

/** Parses config documents once per version and pairs them with their analysis, for every provider. */
export class ConfigDocuments {
  private readonly cache = new Map<string, { version: number; config: CascadeConfig }>();

  constructor(readonly store: AnalysisStore) {}

  /** Undefined for a document that is not a cascade config. */
  get(document: vscode.TextDocument): ConfigContext | undefined {
    if (!isCascadeConfigFileName(document.uri.path)) return undefined;
    const key = document.uri.toString();
    let cached = this.cache.get(key);
    if (!cached || cached.version !== document.version) {
      cached = { version: document.version, config: parseCascadeConfig(document.getText(), configFormatOf(document.uri.path)) };
      this.cache.set(key, cached);
    }
    const snapshot = this.store.get(key);
    const stale = snapshot?.result && snapshot.status === 'error' ? (snapshot.error ?? 'the last analysis failed') : undefined;
    return {
      document,
      key,
      config: cached.config,
      ...(snapshot ? { snapshot } : {}),
      ...(snapshot?.result ? { result: snapshot.result } : {}),
      ...(stale !== undefined ? { stale } : {}),
    };
  }

  /** Drops the parse of a closed document. */
  forget(document: vscode.TextDocument): void {
    this.cache.delete(document.uri.toString());
  }
}

export function toRange(document: vscode.TextDocument, span: Span): vscode.Range {
  return new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
}

/** True when the offset lies in the span (its end included, where a cursor after the value sits). */
export function inSpan(span: Span | undefined, offset: number): boolean {
  return span !== undefined && offset >= span.start && offset <= span.end;
}
