import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { ErrorCode } from "@mesh/schema";
import { type Request, type Response, Router } from "express";
import { roomAccess, roomEntry } from "../../realtime/room-access.ts";
import type { Services } from "../../realtime/services.ts";
import { MULTIPART_ENVELOPE_BYTES, receiveFile } from "../../uploads/receive.ts";
import { INLINE_TYPES } from "../../uploads/sniff.ts";
import { authOf, rateLimited, requireSession } from "../middleware.ts";
import { sendError, sendResult } from "../respond.ts";

/** Uploads one participant may have arriving at once. */
const UPLOADS_IN_FLIGHT = 2;
/** An upload body that sends nothing for this long is cut. */
const UPLOAD_IDLE_MS = 30_000;
/** An upload spends one more input per this many bytes it declares. */
const UPLOAD_BYTES_PER_INPUT = 1024 * 1024;

/**
 * Uploads into a room (multipart, one file), for those who may send there; downloads, for its
 * uploader and for whoever may read a live message carrying it, in a room they may see.
 */
export function uploadRoutes(services: Services): Router {
  const { db, gate, log, config } = services;
  const router = Router();
  const session = requireSession(services);
  const store = services.uploads;
  const maxBodyBytes = config.uploadMaxBytes + MULTIPART_ENVELOPE_BYTES;
  /** Uploads in progress per participant. */
  const uploading = new Map<string, number>();

  /**
   * Ahead of the session check, so even a refusal to an anonymous caller costs no reading: a
   * declared body past the cap is refused unread, and whatever is answered while body bytes are
   * still coming closes the connection instead of draining them.
   */
  const unreadBodyRefused = (req: Request, res: Response, next: () => void) => {
    if (!req.complete) res.setHeader("Connection", "close"); // a finished upload costs a new connection; that is all
    res.once("finish", () => {
      if (!req.complete) req.socket.destroy();
    });
    if (Number(req.headers["content-length"]) > maxBodyBytes) {
      return sendError(res, ErrorCode.PayloadTooLarge, `file over the ${config.uploadMaxBytes}-byte limit (MESH_UPLOAD_MAX_BYTES)`);
    }
    next();
  };

  /** May this participant upload to this room now: see it, hold upload_files, and not be in a kick's cooldown. */
  // Kicked participants cannot send here for the cooldown, so nothing they upload could be attached.
  const mayUpload = (userId: string, roomId: string) => {
    const entry = roomEntry(services, userId, roomId);
    return entry.ok ? gate.authorize(userId, "upload_files", { roomId }) : entry;
  };

  router.post("/api/rooms/:id/uploads", unreadBodyRefused, session, async (req, res) => {
    const roomId = req.params.id as string;
    const userId = authOf(res).userId;
    const allowed = mayUpload(userId, roomId);
    if (!allowed.ok) return sendResult(res, allowed);
    // A big file costs more of the allowance than a small one: one input, and one per MiB declared.
    const declared = Number(req.headers["content-length"] ?? 0);
    const cost = 1 + (Number.isFinite(declared) ? Math.floor(declared / UPLOAD_BYTES_PER_INPUT) : 0);
    if (rateLimited(res, services.limits.inputs, userId, cost)) return;
    // A few at a time per participant: slow bodies must not hold the server's file descriptors.
    const inFlight = uploading.get(userId) ?? 0;
    if (inFlight >= UPLOADS_IN_FLIGHT) {
      return sendError(res, ErrorCode.RateLimited, `at most ${UPLOADS_IN_FLIGHT} uploads at a time; wait for one to finish`);
    }
    uploading.set(userId, inFlight + 1);
    // A body that stops arriving is cut: nobody holds a temp file open by trickling.
    req.socket.setTimeout(UPLOAD_IDLE_MS, () => req.socket.destroy());
    let received: Awaited<ReturnType<typeof receiveFile>>;
    try {
      received = await receiveFile(req, store, maxBodyBytes);
    } finally {
      const left = (uploading.get(userId) ?? 1) - 1;
      if (left > 0) uploading.set(userId, left);
      else uploading.delete(userId);
      if (!req.socket.destroyed) req.socket.setTimeout(0);
    }
    if (!received.ok) {
      if (req.socket.destroyed) return; // the client went away; nothing to answer
      return sendResult(res, received);
    }
    const file = received.value;
    // Asked again at the moment of recording: the room may have gone (and its id be taken anew)
    // or a ban or kick come in while the bytes were arriving. Refused, the file goes (unless
    // another upload shares these bytes) when the store's hold on it is released.
    const still = mayUpload(userId, roomId);
    if (!still.ok) {
      store.release(file.sha256);
      return sendResult(res, still);
    }
    const upload = {
      id: randomUUID(),
      roomId,
      sha256: file.sha256,
      name: file.name,
      type: file.type,
      size: file.size,
      uploaderId: userId,
      createdAt: Date.now(),
    };
    try {
      db.uploads.create(upload);
    } finally {
      store.release(file.sha256);
    }
    // The id in the audit log grants nothing: a download needs more than knowing it.
    services.audit({ actorId: userId, action: "upload.create", target: upload.id, detail: { roomId, size: file.size, type: file.type } });
    log.info({ upload: upload.id, room: roomId, by: userId, size: file.size, type: file.type }, "file uploaded");
    res.status(201).json({ upload: { id: upload.id, name: upload.name, type: upload.type, size: upload.size } });
  });

  // GET also answers HEAD (Express routes it here); other methods fall through to 404.
  router.get("/api/uploads/:id", session, async (req: Request, res: Response) => {
    const userId = authOf(res).userId;
    const id = req.params.id as string;
    if (rateLimited(res, services.limits.reads, userId)) return;
    // An upload the caller may not have does not exist for them: knowing its id grants nothing.
    const missing = () => sendError(res, ErrorCode.NotFound, `no upload '${id.slice(0, 100)}'`);
    const upload = db.uploads.readableBy(id, userId);
    if (!upload || !roomAccess(services, userId, upload.roomId).ok) return missing();
    const file = await store.read(upload.sha256);
    if (!file) {
      log.warn({ upload: id, sha256: upload.sha256 }, "an upload's file is missing from the uploads folder");
      return missing();
    }
    // Access can end (a deleted message, a ban), so a cached copy is asked about again on each use.
    res.setHeader("Cache-Control", "private, no-cache");
    res.setHeader("ETag", `"${upload.sha256}"`);
    if (req.fresh) {
      file.stream.destroy();
      res.status(304).end();
      return;
    }
    const inline = INLINE_TYPES.has(upload.type);
    res.setHeader("Content-Type", upload.type === "text/plain" ? "text/plain; charset=utf-8" : upload.type);
    res.setHeader("Content-Length", String(file.size));
    res.setHeader("X-Content-Type-Options", "nosniff");
    // Even opened directly, the bytes run no script, load nothing and share no origin.
    res.setHeader("Content-Security-Policy", "default-src 'none'; sandbox");
    res.setHeader("Content-Disposition", `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeRfc5987(upload.name)}`);
    if (req.method === "HEAD") {
      file.stream.destroy();
      res.end();
      return;
    }
    try {
      await pipeline(file.stream, res);
    } catch {
      // The client went away mid-download; the stream and file are already closed.
    }
  });

  return router;
}

/** Percent-encode for `filename*` (RFC 8187): encodeURIComponent leaves ' ( ) * as they are. */
function encodeRfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
