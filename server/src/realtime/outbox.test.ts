import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@mesh/persistence";
import { MAX_REACTORS_PER_MESSAGE } from "@mesh/schema";
import { createSim, type SimInput } from "@mesh/sim";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../logger.ts";
import { applyChange, MessageOutbox } from "./outbox.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const say = (id: string, nonce: string): SimInput => ({
  kind: "say",
  participantId: "ann",
  id,
  authorName: "Ann",
  text: "hello",
  threadId: "",
  to: "",
  nonce,
  trust: "local",
  ts: 1,
  attachments: [],
});

describe("the message outbox", () => {
  it("answers every REST sender of a refused batch, resends in the same tick included", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-outbox-"));
    dirs.push(dir);
    const db = openDatabase(path.join(dir, "mesh.sqlite"));
    try {
      const sim = createSim({ roomId: "lobby" });
      const outbox = new MessageOutbox("lobby", db, createLogger("silent"), () => {});
      sim.enqueue({ kind: "join", participantId: "ann", x: 1, z: 1 });
      sim.enqueue(say("first", "n-1"));
      sim.enqueue(say("again", "n-1")); // the same nonce in the same tick: a duplicate
      const waiting = [outbox.wait("first"), outbox.wait("again")];
      const result = sim.step();
      expect(result.duplicates).toHaveLength(1);
      db.sqlite.pragma("query_only = ON"); // the disk refuses this batch
      outbox.flush(result, sim);
      const answers = await Promise.all(waiting);
      for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: "internal" } });
      expect(outbox.pending).toBe(0);
    } finally {
      db.sqlite.pragma("query_only = OFF");
      db.close();
    }
  });
});

describe("applyChange on reactions", () => {
  const base = {
    id: "m1",
    roomId: "lobby",
    seq: 1,
    authorId: "ann",
    authorName: "Ann",
    text: "hi",
    threadId: "",
    to: "",
    ts: 1,
    editedTs: 0,
    deleted: false,
    trust: "local" as const,
    nonce: "",
    reactions: {} as Record<string, string[]>,
    attachments: [],
    pinned: false,
    locked: false,
  };
  const react = (participantId: string, emoji: string, on = true) =>
    ({ kind: "amend", participantId, messageId: "m1", change: { op: "react", emoji, on } }) as const;

  it("bounds the reactions one message holds, all emoji together, and lets a reactor take theirs back", () => {
    const full = { ...base, reactions: { "👍": Array.from({ length: MAX_REACTORS_PER_MESSAGE }, (_, i) => `p${i}`) } };
    expect(applyChange(full, react("late", "👍"))).toMatchObject({ ok: false, error: { code: "bad_input" } });
    expect(applyChange(full, react("late", "🎉"))).toMatchObject({ ok: false, error: { code: "bad_input" } });
    const fewer = applyChange(full, react("p0", "👍", false));
    expect(fewer.ok && fewer.value.reactions["👍"].length).toBe(MAX_REACTORS_PER_MESSAGE - 1);
    // A repeated reaction changes nothing (the same object comes back).
    const once = { ...base, reactions: { "👍": ["ann"] } };
    expect(applyChange(once, react("ann", "👍"))).toEqual({ ok: true, value: once });
  });
});
