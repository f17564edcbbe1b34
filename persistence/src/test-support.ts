import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MessageData } from "@mesh/schema";
import { afterEach } from "vitest";
import { type MeshDatabase, openDatabase } from "./database.ts";

/** Test-only: real SQLite files in a fresh temp dir, closed and removed after each test. */
export function useTempDatabases(): { path: () => string; open: () => MeshDatabase } {
  let dir: string | undefined;
  const opened: MeshDatabase[] = [];
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });
  const path = () => {
    dir ??= mkdtempSync(join(tmpdir(), "mesh-persistence-"));
    return join(dir, "mesh.db");
  };
  const open = () => {
    const db = openDatabase(path());
    opened.push(db);
    return db;
  };
  return { path, open };
}

export function message(overrides: Partial<MessageData> & { seq: number }): MessageData {
  return {
    id: `m-${overrides.roomId ?? "lobby"}-${overrides.to ?? ""}-${overrides.seq}`,
    roomId: "lobby",
    authorId: "u1",
    authorName: "ada",
    text: `hello ${overrides.seq}`,
    threadId: "",
    to: "",
    ts: 1_700_000_000_000 + overrides.seq + 0.25,
    editedTs: 0,
    deleted: false,
    trust: "local",
    nonce: "",
    reactions: {},
    attachments: [],
    pinned: false,
    locked: false,
    ...overrides,
  };
}
