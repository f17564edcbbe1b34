import type { ErrorCode } from "./protocol.ts";

/** Outcome at an edge: either a value or a typed error, never a throw. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: MeshError };

export interface MeshError {
  code: ErrorCode;
  message: string;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(code: ErrorCode, message: string): Result<T> => ({
  ok: false,
  error: { code, message },
});
