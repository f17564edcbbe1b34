import { z } from "zod";
import { EXIT_DIRECTIONS } from "./doorways.ts";
import {
  ClientMessage,
  ErrorCode,
  MAX_AGENTS_PER_COMMAND,
  MAX_ATTACHMENTS,
  MAX_ORDER_NOTE_LENGTH,
  MAX_ROOM_SIZE,
  MAX_TEXT_LENGTH,
  REPORTABLE_ORDER_STATUSES,
} from "./protocol.ts";
import { err, ok, type Result } from "./result.ts";
import { cleanLabel, isOneGrapheme, sanitizeText } from "./text.ts";

/** Strings that must not be empty and stay short: ids, names, emoji. */
const id = z.string().min(1).max(128);
const finite = z.number().refine(Number.isFinite, "must be a finite number");

/** Message text: at most MAX_TEXT_LENGTH, control characters stripped, lone surrogates refused. */
export const text = z.string().transform((raw, ctx) => {
  const clean = sanitizeText(raw, MAX_TEXT_LENGTH);
  if (!clean.ok) {
    ctx.addIssue({ code: "custom", message: clean.error.message });
    return z.NEVER;
  }
  return clean.value;
});

/** One emoji as a reader sees it: a single grapheme cluster (ZWJ sequences and flags included). */
export const emoji = z
  .string()
  .min(1)
  .max(64)
  .refine(isOneGrapheme, "must be one emoji (a single grapheme)")
  .refine((e) => /\p{Extended_Pictographic}|\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3/u.test(e), "must be an emoji");
/** Seconds a sanction lasts; 0 lifts one in force. */
const sanctionSeconds = (max: number) => finite.pipe(z.number().int().min(0).max(max));

/** A point on a floor: finite and within the largest room (the world clamps to the room's own size). */
const coordinate = finite.pipe(z.number().min(0).max(MAX_ROOM_SIZE));

/** The order inside a `command`, one shape per kind. */
export const orderSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("move_to"), x: coordinate, z: coordinate }),
  z.strictObject({ kind: z.literal("follow"), targetId: id, distance: finite.pipe(z.number().min(0.5).max(MAX_ROOM_SIZE)).optional() }),
  z.strictObject({ kind: z.literal("stop") }),
  z.strictObject({ kind: z.literal("say"), text }),
  z.strictObject({ kind: z.literal("task"), text }),
]);
export type OrderPayload = z.output<typeof orderSchema>;

export const clientMessageSchemas = {
  [ClientMessage.SendMessage]: z.strictObject({
    text,
    threadId: id.optional(),
    to: id.optional(),
    nonce: id.optional(),
    /** Upload ids (POST /api/rooms/:id/uploads) of this room, sent by the same participant. */
    attachments: z.array(id).max(MAX_ATTACHMENTS).optional(),
  }),
  [ClientMessage.EditMessage]: z.strictObject({ messageId: id, text }),
  [ClientMessage.DeleteMessage]: z.strictObject({ messageId: id }),
  [ClientMessage.AddReaction]: z.strictObject({ messageId: id, emoji }),
  [ClientMessage.RemoveReaction]: z.strictObject({ messageId: id, emoji }),
  [ClientMessage.PinMessage]: z.strictObject({ messageId: id, pinned: z.boolean() }),
  [ClientMessage.LockThread]: z.strictObject({ threadId: id, locked: z.boolean() }),
  [ClientMessage.Typing]: z.strictObject({ on: z.boolean() }),
  [ClientMessage.Move]: z.strictObject({ x: finite, z: finite }),
  [ClientMessage.Kick]: z.strictObject({ participantId: id }),
  [ClientMessage.Mute]: z.strictObject({
    participantId: id,
    // 0 lifts a mute in force (an addition to SPEC §3).
    seconds: sanctionSeconds(7 * 24 * 3600),
  }),
  // 0 lifts a ban in force; at most ten years.
  [ClientMessage.Ban]: z.strictObject({ participantId: id, seconds: sanctionSeconds(10 * 365 * 24 * 3600) }),
  [ClientMessage.Command]: z.strictObject({
    agentIds: z.array(id).min(1).max(MAX_AGENTS_PER_COMMAND),
    order: orderSchema,
  }),
  [ClientMessage.OrderStatus]: z.strictObject({
    orderId: id,
    status: z.enum(REPORTABLE_ORDER_STATUSES),
    note: z.string().max(MAX_ORDER_NOTE_LENGTH * 4).transform((raw, ctx) => {
      const clean = sanitizeText(raw, MAX_ORDER_NOTE_LENGTH);
      if (!clean.ok) {
        ctx.addIssue({ code: "custom", message: clean.error.message });
        return z.NEVER;
      }
      return clean.value;
    }).optional(),
  }),
} as const;

export type ClientMessagePayloads = {
  [K in keyof typeof clientMessageSchemas]: z.output<(typeof clientMessageSchemas)[K]>;
};

export function isClientMessageType(type: unknown): type is keyof ClientMessagePayloads {
  return typeof type === "string" && Object.hasOwn(clientMessageSchemas, type);
}

/** Validate one realtime payload; the error message names the offending field. */
export function parseClientMessage<K extends keyof ClientMessagePayloads>(
  type: K,
  payload: unknown,
): Result<ClientMessagePayloads[K]> {
  const parsed = clientMessageSchemas[type].safeParse(payload);
  if (parsed.success) return ok(parsed.data as ClientMessagePayloads[K]);
  return err(ErrorCode.BadInput, describeIssues(parsed.error));
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "payload"}: ${issue.message}`)
    .join("; ");
}

/** REST bodies. */
export const usernameSchema = z
  .string()
  .min(3)
  .max(32)
  .regex(/^[a-zA-Z0-9_.-]+$/, "letters, digits, '_', '.', '-' only");
export const credentialsSchema = z.strictObject({
  username: usernameSchema,
  password: z.string().min(8).max(256),
});
const exitDirection = z.enum(EXIT_DIRECTIONS);
export const roomIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, "lowercase letters, digits, '_' and '-'");
/** A label shown on everyone's pages (cleanLabel: one line, no controls or direction overrides). */
const label = (what: string, max: number, { emptyOk = false } = {}) =>
  z
    .string()
    .max(max)
    .transform((raw, ctx) => {
      if (emptyOk && raw.trim() === "") return "";
      const cleaned = cleanLabel(raw, what);
      if (cleaned.ok) return cleaned.value;
      ctx.addIssue({ code: "custom", message: cleaned.error.message });
      return z.NEVER;
    });
export const createRoomSchema = z.strictObject({
  id: roomIdSchema,
  name: label("name", 100),
  topic: label("topic", 500, { emptyOk: true }).optional(),
  width: z.number().int().min(4).max(MAX_ROOM_SIZE).optional(),
  depth: z.number().int().min(4).max(MAX_ROOM_SIZE).optional(),
  exits: z.partialRecord(exitDirection, roomIdSchema).optional(),
  /** Visible and joinable only by invited participants and those with manage_rooms. */
  private: z.boolean().optional(),
});
/** A live room's floor size is fixed at creation (its world is sized by it). */
export const patchRoomSchema = createRoomSchema.omit({ id: true, width: true, depth: true }).partial();
export const restMessageSchema = clientMessageSchemas[ClientMessage.SendMessage];
export const historyQuerySchema = z.object({
  before: z.coerce.number().int().min(1).optional(),
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  threadId: id.optional(),
});
const auditBefore = "must be a positive whole number (the seq to page back from)";
const auditLimit = "must be a whole number from 1 to 1000";
/** GET /api/audit: a page of entries older than `before`, and the chain checked when asked. */
export const auditQuerySchema = z.object({
  before: z.coerce.number({ error: auditBefore }).int(auditBefore).min(1, auditBefore).optional(),
  limit: z.coerce.number({ error: auditLimit }).int(auditLimit).min(1, auditLimit).max(1000, auditLimit).default(100),
  verify: z.enum(["true", "false"], { error: "must be 'true' or 'false'" }).optional(),
});
export const createRoleSchema = z.strictObject({
  name: z
    .string()
    .min(2)
    .max(32)
    .regex(/^[a-z][a-z0-9_]*$/, "lowercase letters, digits and '_'"),
  priority: z.number().int().min(1).max(998),
  permissions: z.array(z.string()).max(64),
});
export const assignRoleSchema = z.strictObject({ role: z.string().min(1).max(32) });
