/**
 * An end of the protocol's channel (`src/protocol.ts` defines the messages): it sends typed
 * messages, routes the ones it receives to their handlers after checking them, correlates
 * requests with responses, carries numbers JSON cannot (Infinity) across the channel, and
 * packs long arrays into columns on the way to the webview (`protocolColumns.ts`).
 * Used by the panel host and the webview alike.
 */
import {
  createCommand,
  createErrorResponse,
  createNotification,
  createRequest,
  createResponse,
  describeMessage,
  isCommand,
  isNotification,
  isProtocolMessage,
  isRequest,
  type AnyMessage,
  type CommandType,
  type NotificationType,
  type RequestMessage,
  type RequestType,
} from './protocol.ts';
import { Columns, packArray, unpackArray } from './protocolColumns.ts';

// ---------------------------------------------------------------------------------------------
// Non-finite numbers on the wire

/**
 * A message crosses the channel as JSON, which has no Infinity (it would arrive as `null`,
 * which a threshold reads as "always escalate"). A confidence or a threshold may be -Infinity
 * or Infinity, so such a number travels as `{ "$number": "-Infinity" }` (or `"Infinity"`): an
 * object, which no string in a user's file (a model name) can be mistaken for.
 * Returns `value` itself when it holds no such number. O(size).
 */
export function encodeNonFinite(value: unknown): unknown {
  return rebuild(value, tagOfNonFinite);
}

const tagOfNonFinite = (v: unknown): { $number: string } | undefined => (v === Infinity || v === -Infinity ? { $number: String(v) } : undefined);

/** The inverse of {@link encodeNonFinite}: every `{ "$number": "±Infinity" }` becomes the number. O(size). */
export function decodeNonFinite(value: unknown): unknown {
  return rebuild(value, nonFiniteOf);
}

function nonFiniteOf(v: unknown): number | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const tag = (v as { $number?: unknown }).$number;
  return (tag === 'Infinity' || tag === '-Infinity') && Object.keys(v).length === 1 ? Number(tag) : undefined;
}

/**
 * A message as it goes on the wire: {@link encodeNonFinite}'s, with every long array of records or
 * numbers packed into columns (`packArray`) when `pack` is set, the columns of all of them in one
 * `Float64Array` under `$columns`. What the other end's {@link decodeWire} returns is what JSON
 * would have delivered of `value` (Infinity included). O(size).
 */
export function encodeWire(value: unknown, pack: boolean): unknown {
  const columns = new Columns();
  const wire = pack ? rebuild(value, (v) => tagOfNonFinite(v) ?? packArray(v, columns)) : encodeNonFinite(value);
  const data = columns.done();
  return data && typeof wire === 'object' && wire !== null && !Array.isArray(wire) ? { ...wire, $columns: data } : wire;
}

/** The inverse of {@link encodeWire}. O(size). */
export function decodeWire(value: unknown): unknown {
  const columns = typeof value === 'object' && value !== null ? (value as { $columns?: unknown }).$columns : undefined;
  // Nothing packed: a packed array without its columns stays as it is, and fails the protocol's checks.
  if (!(columns instanceof Float64Array)) return decodeNonFinite(value);
  const { $columns: _columns, ...message } = value as Record<string, unknown>;
  return rebuild(message, (v) => nonFiniteOf(v) ?? unpackArray(v, columns));
}

/**
 * `value` with every part for which `replace` returns something other than undefined replaced
 * by it (arrays and plain objects searched, copied only where something changed; typed arrays
 * left alone). O(size), with plain loops: a snapshot of a large analysis has hundreds of
 * thousands of parts, and this runs on the extension host's main thread.
 */
function rebuild(value: unknown, replace: (v: unknown) => unknown): unknown {
  const replaced = replace(value);
  if (replaced !== undefined) return replaced;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = rebuild(item, replace);
      if (next === item) continue;
      out ??= [...(value as unknown[])];
      out[i] = next;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    const next = rebuild(item, replace);
    if (next === item) continue;
    out ??= { ...record };
    out[key] = next;
  }
  return out ?? value;
}

// ---------------------------------------------------------------------------------------------
// An end of the channel

export interface Disposable {
  dispose(): void;
}

/** Which side an endpoint sits on: the host receives commands, the webview notifications. */
export type Role = 'host' | 'webview';

interface Pending {
  readonly method: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One end of the channel, used as is by the host (`post` = the webview's `postMessage`) and
 * by the webview (`post` = the editor API's `postMessage`): sends typed messages, routes each
 * received message to the handler registered for its type once its guard passes, and pairs
 * requests with responses. Messages that fail the guards go to `onInvalid` and nowhere else;
 * a request that fails them is answered with an error so the other side does not wait.
 */
export class ProtocolEndpoint implements Disposable {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, (msg: AnyMessage) => void>();
  private disposed = false;

  constructor(
    private readonly role: Role,
    private readonly post: (msg: AnyMessage) => void,
    private readonly onInvalid: (description: string) => void = () => {},
  ) {}

  /** Webview -> host. */
  sendCommand<P>(type: CommandType<P>, params: P): void {
    this.expectRole('webview', type.method);
    this.send(createCommand(type, params));
  }

  /** Host -> webview. */
  sendNotification<P>(type: NotificationType<P>, params: P): void {
    this.expectRole('host', type.method);
    this.send(createNotification(type, params));
  }

  /** Sends a request and resolves with the other side's result; rejects on an error answer or after `timeoutMs`. */
  request<P, R>(type: RequestType<P, R>, params: P, timeoutMs = 10_000): Promise<R> {
    this.expectRole(type.direction === 'toHost' ? 'webview' : 'host', type.method);
    if (this.disposed) return Promise.reject(new Error(`${type.method}: the channel is closed`));
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${type.method}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { method: type.method, resolve: resolve as (r: unknown) => void, reject, timer });
      this.send(createRequest(type, id, params));
    });
  }

  onCommand<P>(type: CommandType<P>, handler: (params: P) => void): Disposable {
    this.expectRole('host', type.method);
    return this.register(`command:${type.method}`, (msg) => {
      if (isCommand(msg, type)) handler(msg.params);
      else this.onInvalid(`invalid payload for ${describeMessage(msg)}`);
    });
  }

  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): Disposable {
    this.expectRole('webview', type.method);
    return this.register(`notification:${type.method}`, (msg) => {
      if (isNotification(msg, type)) handler(msg.params);
      else this.onInvalid(`invalid payload for ${describeMessage(msg)}`);
    });
  }

  onRequest<P, R>(type: RequestType<P, R>, handler: (params: P) => R | Promise<R>): Disposable {
    this.expectRole(type.direction === 'toHost' ? 'host' : 'webview', type.method);
    return this.register(`request:${type.method}`, (msg) => {
      const id = (msg as RequestMessage<unknown>).id;
      if (!isRequest(msg, type)) {
        this.onInvalid(`invalid payload for ${describeMessage(msg)}`);
        this.send(createErrorResponse(type.method, id, `invalid parameters for ${type.method}`));
        return;
      }
      Promise.resolve()
        .then(() => handler(msg.params))
        .then(
          (result) => this.send(createResponse(type, id, result)),
          (error: unknown) => this.send(createErrorResponse(type.method, id, error instanceof Error ? error.message : String(error))),
        );
    });
  }

  /** Routes one received message. Returns false when nothing handled it. */
  receive(received: unknown): boolean {
    if (this.disposed) return false;
    const msg = decodeWire(received);
    if (!isProtocolMessage(msg)) {
      this.onInvalid(describeMessage(msg));
      return false;
    }
    if (msg.kind === 'response') {
      const pending = this.pending.get(msg.id);
      if (!pending || pending.method !== msg.method) {
        this.onInvalid(`unexpected response ${msg.method} #${msg.id}`);
        return false;
      }
      this.pending.delete(msg.id);
      clearTimeout(pending.timer);
      if (msg.ok) pending.resolve(msg.result);
      else pending.reject(new Error(`${msg.method}: ${msg.error}`));
      return true;
    }
    const handler = this.handlers.get(`${msg.kind}:${msg.method}`);
    if (!handler) {
      this.onInvalid(`no handler for ${describeMessage(msg)}`);
      if (msg.kind === 'request') this.send(createErrorResponse(msg.method, msg.id, `${msg.method} is not handled here`));
      return false;
    }
    handler(msg);
    return true;
  }

  /** Rejects every pending request and drops every handler. */
  dispose(): void {
    this.disposed = true;
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.method}: the channel closed before an answer came`));
    }
    this.pending.clear();
    this.handlers.clear();
  }

  private register(key: string, handler: (msg: AnyMessage) => void): Disposable {
    if (this.handlers.has(key)) throw new Error(`a handler for ${key} is already registered`);
    this.handlers.set(key, handler);
    return { dispose: () => void (this.handlers.get(key) === handler && this.handlers.delete(key)) };
  }

  private send(msg: AnyMessage): void {
    // The webview sends nothing long; the host's snapshots are packed for it.
    if (!this.disposed) this.post(encodeWire(msg, this.role === 'host') as AnyMessage);
  }

  private expectRole(role: Role, method: string): void {
    if (this.role !== role) throw new Error(`${method} is not used on the ${this.role} side`);
  }
}
