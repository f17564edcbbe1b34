import { ErrorCode, type ErrorPayload, type MessageData, type OrderMessage } from "@mesh/schema";

/**
 * What the server sends is checked before the SDK uses it: a frame that is not what the
 * protocol says (a bug, a proxy, another version, a hostile server) must not crash a bot.
 * Each reader returns the frame as its type, or throws a MalformedFrame saying what is wrong.
 */
export class MalformedFrame extends Error {
  constructor(
    readonly type: string,
    readonly problem: string,
  ) {
    super(`the server sent a malformed '${type}' message: ${problem}`);
    this.name = "MalformedFrame";
  }
}

const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)?.slice(0, 40) ?? ""}`.trim();
}

function object(type: string, value: unknown): Fields {
  if (!isObject(value)) throw new MalformedFrame(type, `expected an object, got ${describe(value)}`);
  return value;
}

function field(type: string, fields: Fields, name: string, kind: "string" | "number" | "boolean"): void {
  const value = fields[name];
  const ok = kind === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === kind;
  if (!ok) throw new MalformedFrame(type, `${name} must be a ${kind}, got ${describe(value)}`);
}

function optional(type: string, fields: Fields, name: string, kind: "string" | "number"): void {
  if (fields[name] !== undefined) field(type, fields, name, kind);
}

/**
 * An `error` frame. A known code and a string message are required; a missing or non-string
 * `ref` reads as "" (it names no send of ours, so nothing pending is settled by it).
 */
export function readError(type: string, value: unknown): ErrorPayload {
  const fields = object(type, value);
  if (typeof fields.code !== "string" || !ERROR_CODES.has(fields.code)) {
    throw new MalformedFrame(type, `code must be one of ${[...ERROR_CODES].join(", ")}, got ${describe(fields.code)}`);
  }
  field(type, fields, "message", "string");
  return { code: fields.code as ErrorPayload["code"], message: fields.message as string, ref: typeof fields.ref === "string" ? fields.ref : "" };
}

/** A stored message (`message_updated`): every field a user reads, with its type. */
export function readMessage(type: string, value: unknown): MessageData {
  const fields = object(type, value);
  for (const name of ["id", "roomId", "authorId", "authorName", "text", "threadId", "to", "trust", "nonce"]) field(type, fields, name, "string");
  for (const name of ["seq", "ts", "editedTs"]) field(type, fields, name, "number");
  for (const name of ["deleted", "pinned", "locked"]) field(type, fields, name, "boolean");
  const reactions = fields.reactions;
  if (!isObject(reactions) || !Object.values(reactions).every((by) => Array.isArray(by) && by.every((id) => typeof id === "string"))) {
    throw new MalformedFrame(type, "reactions must map each emoji to a list of participant ids");
  }
  const attachments = fields.attachments;
  if (!Array.isArray(attachments) || !attachments.every((a) => isObject(a) && typeof a.id === "string")) {
    throw new MalformedFrame(type, "attachments must be a list of attachments with string ids");
  }
  return fields as unknown as MessageData;
}

/** An `order`: string id, kind, by and roomId (a kind this SDK does not know still reaches the bot), and typed optional fields. */
export function readOrder(type: string, value: unknown): OrderMessage {
  const fields = object(type, value);
  for (const name of ["id", "kind", "by", "roomId"]) field(type, fields, name, "string");
  for (const name of ["targetId", "text"]) optional(type, fields, name, "string");
  for (const name of ["x", "z", "distance"]) optional(type, fields, name, "number");
  return fields as unknown as OrderMessage;
}
