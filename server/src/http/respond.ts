import type { ErrorCode, RestErrorBody, Result } from "@mesh/schema";
import { describeIssues } from "@mesh/schema";
import type { Response } from "express";
import type { z } from "zod";

const STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
};

export function sendError(res: Response, code: ErrorCode, message: string): void {
  const body: RestErrorBody = { error: { code, message } };
  if (code === "rate_limited" && !res.hasHeader("Retry-After")) res.setHeader("Retry-After", "1");
  res.status(STATUS[code]).json(body);
}

/** Send a Result: the value with `status`, or the error with its mapped HTTP status. */
export function sendResult<T>(res: Response, result: Result<T>, status = 200): void {
  if (result.ok) res.status(status).json(result.value);
  else sendError(res, result.error.code, result.error.message);
}

/** Parse input with a zod schema; on failure answer 400 and return undefined. */
export function parseOr400<S extends z.ZodType>(res: Response, schema: S, input: unknown): z.output<S> | undefined {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  sendError(res, "bad_input", describeIssues(parsed.error));
  return undefined;
}
