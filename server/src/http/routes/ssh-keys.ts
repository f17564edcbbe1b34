import { randomUUID } from "node:crypto";
import type { SshKeyRecord } from "@mesh/persistence";
import { cleanLabel, ErrorCode } from "@mesh/schema";
import { Router } from "express";
import { z } from "zod";
import type { Services } from "../../realtime/services.ts";
import { parsePublicKey } from "../../ssh/public-key.ts";
import { authOf, rateLimited, requireSession } from "../middleware.ts";
import { parseOr400, sendError } from "../respond.ts";

/** Keys one account may register: enough for every machine someone types on. */
export const SSH_KEYS_PER_ACCOUNT = 10;

const addKeyBody = z.strictObject({
  name: z
    .string()
    .max(64)
    .transform((raw, ctx) => {
      const cleaned = cleanLabel(raw, "name");
      if (cleaned.ok) return cleaned.value;
      ctx.addIssue({ code: "custom", message: cleaned.error.message });
      return z.NEVER;
    }),
  key: z.string().max(16 * 1024),
});

/** A registered key as its owner sees it: the public line back, never anything secret (there is nothing secret). */
export interface SshKeyView {
  id: string;
  name: string;
  algo: string;
  fingerprint: string;
  key: string;
  createdAt: number;
  lastUsedAt: number;
}

function viewOf(record: SshKeyRecord): SshKeyView {
  const { id, name, algo, fingerprint, publicKey, createdAt, lastUsedAt } = record;
  return { id, name, algo, fingerprint, key: `${algo} ${publicKey}`, createdAt, lastUsedAt };
}

/**
 * A person's public keys for the SSH front door: list, add, remove. Only your own, only for a
 * human account (a bot signs in with its token, never over SSH); writes spend the inputs allowance.
 */
export function sshKeyRoutes(services: Services): Router {
  const { db } = services;
  const router = Router();
  const session = requireSession(services);

  /** The caller, if a human account that still exists; answers 404/403 otherwise. */
  const human = (res: Parameters<typeof authOf>[0]): string | undefined => {
    const me = authOf(res).userId;
    const actor = services.gate.actor(me);
    if (!actor) {
      sendError(res, ErrorCode.NotFound, "this account no longer exists");
      return undefined;
    }
    if (actor.participant.kind !== "human") {
      sendError(res, ErrorCode.Forbidden, "bots cannot sign in over SSH; they use their token");
      return undefined;
    }
    return me;
  };

  router.get("/api/me/ssh-keys", session, (_req, res) => {
    if (rateLimited(res, services.limits.reads, authOf(res).userId)) return;
    const me = human(res);
    if (!me) return;
    res.json({ keys: db.sshKeys.list(me).map(viewOf) });
  });

  router.post("/api/me/ssh-keys", session, (req, res) => {
    if (rateLimited(res, services.limits.inputs, authOf(res).userId)) return;
    const me = human(res);
    if (!me) return;
    const body = parseOr400(res, addKeyBody, req.body);
    if (!body) return;
    const parsed = parsePublicKey(body.key);
    if (!parsed.ok) return sendError(res, parsed.error.code, parsed.error.message);
    // Synchronous from count() to add(): no other request can slip in between.
    const count = db.sshKeys.count(me);
    if (count >= SSH_KEYS_PER_ACCOUNT) {
      return sendError(res, ErrorCode.Forbidden, `you have ${count} SSH keys, the most one account may have (${SSH_KEYS_PER_ACCOUNT}); remove one first`);
    }
    const added = db.sshKeys.add({ id: randomUUID(), userId: me, name: body.name, ...parsed.value, createdAt: Date.now() });
    if (!added.ok) return sendError(res, added.error.code, added.error.message);
    services.audit({ actorId: me, action: "ssh_key.add", target: added.value.id, detail: { fingerprint: added.value.fingerprint } });
    res.status(201).json(viewOf(added.value));
  });

  router.delete("/api/me/ssh-keys/:id", session, (req, res) => {
    if (rateLimited(res, services.limits.inputs, authOf(res).userId)) return;
    const me = human(res);
    if (!me) return;
    const id = String(req.params.id);
    // Another account's key is as unknown as one that does not exist.
    if (!db.sshKeys.delete(me, id)) return sendError(res, ErrorCode.NotFound, `no SSH key '${id.slice(0, 64)}' of yours`);
    services.audit({ actorId: me, action: "ssh_key.remove", target: id, detail: {} });
    res.json({ ok: true });
  });

  return router;
}
