/**
 * The message protocol between the extension host and the frontier webview.
 *
 * The one module both sides import the protocol from, and one that nothing touching the editor
 * API imports, so the two ends can never disagree about a message's shape. This file holds the
 * message kinds, the messages and the constructors and type guards; the payloads' types
 * (`protocolPayloads.ts`, re-exported here) and their run-time checks (`protocolValidators.ts`)
 * are modules of their own, and the channel's ends are in `protocolEndpoint.ts`.
 *
 * Every message carries the protocol name and version; each message type declares its
 * direction, its method name and a validator of its payload, and the type guards below check
 * all three before a handler sees the payload.
 *
 * Kinds (after the usual IPC vocabulary):
 * - command: fire-and-forget, webview -> host;
 * - notification: fire-and-forget, host -> webview;
 * - request / response: either direction, correlated by `id`; a response is either
 *   `{ ok: true, result }` or `{ ok: false, error }`.
 */
import type {
  ActionResult,
  AnalysesParams,
  ApplyPolicyParams,
  BudgetParams,
  ChartImage,
  KeyParams,
  PairCurves,
  ReadyParams,
  SnapshotParams,
  VertexSelectedParams,
  WholeEnvelope,
} from './protocolPayloads.ts';
import {
  isActionResult,
  isAnalysesParams,
  isApplyPolicyParams,
  isBudgetParams,
  isChartImage,
  isEmpty,
  isKeyParams,
  isPairCurves,
  isReadyParams,
  isRecord,
  isSnapshotParams,
  isString,
  isVertexSelectedParams,
  isWholeEnvelope,
} from './protocolValidators.ts';

export type * from './protocolPayloads.ts';
export { isAnalysisResult, isComparisonResult, isFrontierSnapshot, isPolicySpec, isRecord } from './protocolValidators.ts';

export const PROTOCOL_NAME = 'cascadeFrontier';
/**
 * Bumped whenever a message's shape changes incompatibly (2: snapshots carry the held-out
 * comparison; 3: applies can be undone, snapshots count the config's problems; 4: a snapshot
 * whose result the panel already holds says so instead of carrying it again; 5: the budget
 * grid's picks follow the result, `budgetPicksPending` until then; 6: and are computed once
 * the panel says it has drawn the result, `ResultShownCommand`; the held-out figures of
 * the envelope travel without the policies and figures they repeat (`envelopeHoldout`), and
 * the pair curves' points only when asked for, `PairCurvesRequest`; 7: a large envelope travels
 * thinned to what the panel shows, `envelopeKept`, with the picks' vertices added,
 * `envelopeAdded`, the whole of it on `EnvelopeRequest`, and the host told of the selected
 * vertex, `VertexSelectedCommand`; 8: long arrays travel to the webview packed into columns,
 * all of a message's in one `Float64Array`, `protocolColumns.ts`).
 */
export const PROTOCOL_VERSION = 8;

/** The view type of the frontier panel (also the serializer's key). */
export const FRONTIER_VIEW_TYPE = 'cascadeFrontier.frontier';

export type Direction = 'toHost' | 'toWebview';

/** Checks a value received from the other side; `true` narrows it to the payload type. */
export type Validator<T> = (value: unknown) => value is T;

export interface CommandType<P> {
  readonly kind: 'command';
  readonly method: string;
  readonly validate: Validator<P>;
}

export interface NotificationType<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly validate: Validator<P>;
}

export interface RequestType<P, R> {
  readonly kind: 'request';
  readonly method: string;
  readonly direction: Direction;
  readonly validate: Validator<P>;
  readonly validateResult: Validator<R>;
}

interface Envelope {
  readonly protocol: typeof PROTOCOL_NAME;
  readonly version: typeof PROTOCOL_VERSION;
  readonly method: string;
}

export interface CommandMessage<P> extends Envelope {
  readonly kind: 'command';
  readonly params: P;
}

export interface NotificationMessage<P> extends Envelope {
  readonly kind: 'notification';
  readonly params: P;
}

export interface RequestMessage<P> extends Envelope {
  readonly kind: 'request';
  readonly id: number;
  readonly params: P;
}

export type ResponseMessage<R> = Envelope & { readonly kind: 'response'; readonly id: number } & ({ readonly ok: true; readonly result: R } | { readonly ok: false; readonly error: string });

export type AnyMessage = CommandMessage<unknown> | NotificationMessage<unknown> | RequestMessage<unknown> | ResponseMessage<unknown>;

// ---------------------------------------------------------------------------------------------
// The messages

/** Webview -> host: the script has loaded and listens; the host answers with the analyses. */
export const ReadyCommand: CommandType<ReadyParams> = { kind: 'command', method: 'webview/ready', validate: isReadyParams };
/** Webview -> host: the user picked another analysis in the switcher. */
export const SelectAnalysisCommand: CommandType<KeyParams> = { kind: 'command', method: 'analysis/select', validate: isKeyParams };
/**
 * Webview -> host: the panel has drawn the result of this analysis while its budget grid's
 * picks are still to come (`budgetPicksPending`); the host has them computed now, rather than
 * beside the result's way to the panel.
 */
export const ResultShownCommand: CommandType<KeyParams> = { kind: 'command', method: 'result/shown', validate: isKeyParams };
/** Webview -> host: the user selected an envelope vertex (or none); the host keeps it in the thinned envelopes it sends. */
export const VertexSelectedCommand: CommandType<VertexSelectedParams> = { kind: 'command', method: 'vertex/selected', validate: isVertexSelectedParams };
/** Webview -> host (debounced): the budget control moved. Nothing is written to disk. */
export const BudgetChangedCommand: CommandType<BudgetParams> = { kind: 'command', method: 'budget/changed', validate: isBudgetParams };

/** Webview -> host: write this policy into the analysis's config. */
export const ApplyPolicyRequest: RequestType<ApplyPolicyParams, ActionResult> = {
  kind: 'request',
  method: 'config/applyPolicy',
  direction: 'toHost',
  validate: isApplyPolicyParams,
  validateResult: isActionResult,
};

/** Webview -> host: take back the last policy the panel wrote into this analysis's config. */
export const UndoApplyRequest: RequestType<KeyParams, ActionResult> = {
  kind: 'request',
  method: 'config/undoApply',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isActionResult,
};

/** Webview -> host: write the budget into the analysis's config. */
export const SaveBudgetRequest: RequestType<BudgetParams, ActionResult> = {
  kind: 'request',
  method: 'config/saveBudget',
  direction: 'toHost',
  validate: isBudgetParams,
  validateResult: isActionResult,
};
/** Webview -> host: models without a logged confidence get a learned one (`confidence: learned` in the config, or the setting). */
export const UseLearnedConfidenceRequest: RequestType<KeyParams, ActionResult> = {
  kind: 'request',
  method: 'config/useLearnedConfidence',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isActionResult,
};
/**
 * Webview -> host: the points of the pair curves of the result it holds for this analysis (the
 * host sends each result with its pair curves' `points` empty: they are drawn only when the
 * user turns them on). Answered from the result last sent to the panel.
 */
export const PairCurvesRequest: RequestType<KeyParams, PairCurves> = {
  kind: 'request',
  method: 'result/pairCurves',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isPairCurves,
};
/**
 * Webview -> host: the whole envelope of the result it holds for this analysis, sent thinned
 * (`envelopeKept`); asked when the user shows every row, zooms, exports the chart, or sets a
 * budget whose vertex the panel lacks. Answered from the result last sent to the panel.
 */
export const EnvelopeRequest: RequestType<KeyParams, WholeEnvelope> = {
  kind: 'request',
  method: 'result/envelope',
  direction: 'toHost',
  validate: isKeyParams,
  validateResult: isWholeEnvelope,
};
/** Host -> webview: the chart as a PNG data URL (for the export command). */
export const ChartPngRequest: RequestType<Record<string, never>, ChartImage> = {
  kind: 'request',
  method: 'chart/png',
  direction: 'toWebview',
  validate: isEmpty,
  validateResult: isChartImage,
};

/** Host -> webview: the list of analyses (sent on every change of any analysis). */
export const AnalysesNotification: NotificationType<AnalysesParams> = { kind: 'notification', method: 'analysis/list', validate: isAnalysesParams };
/** Host -> webview: the selected analysis, in full. */
export const SnapshotNotification: NotificationType<SnapshotParams> = { kind: 'notification', method: 'analysis/snapshot', validate: isSnapshotParams };

// ---------------------------------------------------------------------------------------------
// Constructors and type guards

const envelope = (method: string): Envelope => ({ protocol: PROTOCOL_NAME, version: PROTOCOL_VERSION, method });

export function createCommand<P>(type: CommandType<P>, params: P): CommandMessage<P> {
  return { ...envelope(type.method), kind: 'command', params };
}

export function createNotification<P>(type: NotificationType<P>, params: P): NotificationMessage<P> {
  return { ...envelope(type.method), kind: 'notification', params };
}

export function createRequest<P, R>(type: RequestType<P, R>, id: number, params: P): RequestMessage<P> {
  return { ...envelope(type.method), kind: 'request', id, params };
}

export function createResponse<P, R>(type: RequestType<P, R>, id: number, result: R): ResponseMessage<R> {
  return { ...envelope(type.method), kind: 'response', id, ok: true, result };
}

export function createErrorResponse(method: string, id: number, error: string): ResponseMessage<never> {
  return { ...envelope(method), kind: 'response', id, ok: false, error };
}

/** True for any well-formed message of this protocol and version (payload not yet checked). */
export function isProtocolMessage(v: unknown): v is AnyMessage {
  if (!isRecord(v) || v.protocol !== PROTOCOL_NAME || v.version !== PROTOCOL_VERSION || !isString(v.method)) return false;
  switch (v.kind) {
    case 'command':
    case 'notification':
      return 'params' in v;
    case 'request':
      return Number.isSafeInteger(v.id) && 'params' in v;
    case 'response':
      return Number.isSafeInteger(v.id) && (v.ok === true ? 'result' in v : v.ok === false && isString(v.error));
    default:
      return false;
  }
}

export function isCommand<P>(msg: unknown, type: CommandType<P>): msg is CommandMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'command' && msg.method === type.method && type.validate(msg.params);
}

export function isNotification<P>(msg: unknown, type: NotificationType<P>): msg is NotificationMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'notification' && msg.method === type.method && type.validate(msg.params);
}

export function isRequest<P, R>(msg: unknown, type: RequestType<P, R>): msg is RequestMessage<P> {
  return isProtocolMessage(msg) && msg.kind === 'request' && msg.method === type.method && type.validate(msg.params);
}

/** A response of `type`; a successful one must also carry a valid result. */
export function isResponse<P, R>(msg: unknown, type: RequestType<P, R>): msg is ResponseMessage<R> {
  return isProtocolMessage(msg) && msg.kind === 'response' && msg.method === type.method && (msg.ok ? type.validateResult(msg.result) : true);
}

/** A one-line description of a message that failed the guards, for logs. */
export function describeMessage(v: unknown): string {
  if (!isRecord(v)) return `non-object message (${typeof v})`;
  const method = isString(v.method) ? v.method : '?';
  if (v.protocol !== PROTOCOL_NAME) return `message of another protocol (${method})`;
  if (v.version !== PROTOCOL_VERSION) return `message of protocol version ${String(v.version)} (expected ${PROTOCOL_VERSION}): ${method}`;
  return `${String(v.kind)} ${method}`;
}
