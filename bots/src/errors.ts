import { type ErrorCode, type ErrorPayload, JoinErrorCode } from "@mesh/schema";
import { MeshJoinError } from "./client.ts";
import { MeshSendError } from "./pending.ts";
import { MeshRestError } from "./rest.ts";

/**
 * What can go wrong for a bot: the server's error codes, plus `timeout` (no answer in time),
 * `closed` (the room is gone), `handler` (one of your own handlers threw), `network` (the
 * server could not be reached) and `not_started` (called before `start()` resolved).
 */
export type MeshErrorCode = ErrorCode | "timeout" | "closed" | "handler" | "network" | "not_started";

/**
 * One error type for everything a bot is told went wrong. `ref` names what it answers:
 * the client message type (`send_message:<nonce>` for a send, `command`, `order_status`, `move`),
 * `join`, `room`, or the handler that threw (`onMessage`, ...). `status` is the HTTP status,
 * join refusal or close code when there is one.
 */
export class MeshError extends Error {
  readonly status: number | undefined;

  constructor(
    readonly code: MeshErrorCode,
    message: string,
    readonly ref = "",
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "MeshError";
    this.status = options.status;
  }

  /** A server `error` message as a MeshError. */
  static fromPayload(payload: ErrorPayload): MeshError {
    return new MeshError(payload.code, payload.message, payload.ref);
  }
}

/** Join refusals (Colyseus codes) by the mesh error code that says the same. */
const JOIN_CODES = new Map<number, MeshErrorCode>([
  [JoinErrorCode.AuthFailed, "unauthorized"],
  [JoinErrorCode.UnknownRoom, "not_found"],
  [JoinErrorCode.Kicked, "forbidden"],
  [JoinErrorCode.TooMany, "rate_limited"],
  [JoinErrorCode.ProtocolMismatch, "conflict"],
]);

/** Whatever a call failed with, as a MeshError (the original kept as `cause`). */
export function toMeshError(error: unknown, ref: string): MeshError {
  if (error instanceof MeshError) return error;
  if (error instanceof MeshSendError) return new MeshError(error.code, error.message, `send_message:${error.nonce}`, { cause: error });
  if (error instanceof MeshRestError) return new MeshError(error.code, error.message, ref, { status: error.status, cause: error });
  if (error instanceof MeshJoinError) {
    // Code 0: no HTTP answer at all (the server is down or unreachable).
    const code = error.code === 0 ? "network" : (JOIN_CODES.get(error.code) ?? "internal");
    return new MeshError(code, error.message, ref, { status: error.code, cause: error });
  }
  return new MeshError("internal", error instanceof Error ? error.message : String(error), ref, { cause: error });
}
