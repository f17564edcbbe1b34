import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connect, MeshRest } from "@mesh/bots";
import type { MessageData } from "@mesh/schema";
import { runServerProcess, stopProcess } from "./child-server.ts";

describe("no acknowledged message is lost to kill -9", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-durability-"));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("keeps every message the client saw in state, once, across SIGKILL and restart", async () => {
    const first = runServerProcess({ MESH_DATA_DIR: dataDir, MESH_RATE_BURST: "1000", MESH_RATE_PER_S: "1000" });
    const url = await first.ready;
    const rest = new MeshRest(url);
    await rest.register("writer", "correct horse battery");
    const room = await connect({ url, token: rest.token ?? "" }).join("lobby");

    const seen = new Map<string, MessageData>();
    room.onMessage((m) => seen.set(m.nonce, m));
    // Acknowledged one by one: each is in state, hence committed, before the next is sent.
    for (let i = 0; i < 25; i++) await room.sendAndWait(`acked ${i}`, { nonce: `acked-${i}` });
    // Acknowledged over REST: a 201 means stored.
    const restAcked: MessageData[] = [];
    for (let i = 0; i < 10; i++) restAcked.push(await rest.postMessage("lobby", { text: `rest ${i}`, nonce: `rest-${i}` }));
    // Then a stream in flight when the process dies.
    const inFlight = Array.from({ length: 300 }, (_, i) => `flight-${i}`);
    for (const nonce of inFlight) room.send(`in flight ${nonce}`, { nonce });
    await new Promise((resolve) => setTimeout(resolve, 60));
    first.process.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    const sawBeforeDeath = new Map(seen);
    expect(sawBeforeDeath.size).toBeGreaterThanOrEqual(25);

    const second = runServerProcess({ MESH_DATA_DIR: dataDir, MESH_RATE_BURST: "1000", MESH_RATE_PER_S: "1000" });
    try {
      const url2 = await second.ready;
      const again = new MeshRest(url2);
      await again.login("writer", "correct horse battery");
      const history = await again.history("lobby", { limit: 500 });
      const byNonce = new Map(history.map((m) => [m.nonce, m]));
      // Every message the client saw is there, with the same id and seq; none twice.
      for (const [nonce, message] of sawBeforeDeath) {
        expect(byNonce.get(nonce), nonce).toMatchObject({ id: message.id, seq: message.seq, text: message.text });
      }
      for (const message of restAcked) expect(byNonce.get(message.nonce)).toEqual(message);
      expect(new Set(history.map((m) => m.nonce)).size).toBe(history.length);
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));

      // The client resends everything it never saw acknowledged, with the same nonces: nothing doubles.
      for (const nonce of inFlight) await again.postMessage("lobby", { text: `in flight ${nonce}`, nonce });
      const after = await again.history("lobby", { limit: 500 });
      expect(after).toHaveLength(25 + restAcked.length + inFlight.length);
      expect(new Set(after.map((m) => m.nonce)).size).toBe(after.length);
      expect(after.map((m) => m.seq)).toEqual(after.map((_, i) => i + 1));
    } finally {
      await stopProcess(second);
    }
  }, 60_000);
});
