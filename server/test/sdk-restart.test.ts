import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connect, type MeshRoom, MeshSendError } from "@mesh/bots";
import { openDatabase } from "@mesh/persistence";
import { JoinErrorCode, type MessageData } from "@mesh/schema";
import { describe, expect, it, onTestFinished } from "vitest";
import { type ChildServer, killProcess, runServerProcess, stopProcess } from "./child-server.ts";
import { registerUser, waitFor } from "./harness.ts";

/** A port nothing listens on now, so the server can take it, and take it again after a restart. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A server process on one data folder and one port that the test can kill -9 and start again in place. */
async function restartableServer() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-sdk-restart-"));
  const env = { MESH_DATA_DIR: dataDir, PORT: String(await freePort()) };
  let current: ChildServer | undefined;
  const server = {
    dataDir,
    url: `http://127.0.0.1:${env.PORT}`,
    /** Start a process; resolves once it serves. */
    async start(): Promise<void> {
      const child = runServerProcess(env);
      current = child;
      expect(await child.ready).toBe(server.url);
    },
    /** kill -9, no goodbye to anyone: resolves once the process is gone. */
    async kill(): Promise<void> {
      if (current) await killProcess(current);
    },
    /** SIGTERM, as a deploy stops it: resolves once the process is gone. */
    async stop(): Promise<void> {
      if (current) await stopProcess(current);
    },
  };
  onTestFinished(async () => {
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return server;
}

/** A loopback TCP gate in front of the server: while shut, every connection through it is cut at once. */
async function gate(target: string) {
  const port = Number(new URL(target).port);
  let shut = false;
  const open = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    client.on("error", () => client.destroy());
    if (shut) return void client.destroy();
    const upstream = net.connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("error", () => socket.destroy());
      socket.on("close", () => {
        open.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  onTestFinished(async () => {
    for (const socket of open) socket.destroy(); // idle keep-alive connections too, or close would wait for them
    await new Promise<void>((resolve) => proxy.close(() => resolve()));
  });
  return {
    url: `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`,
    shut(closed: boolean) {
      shut = closed;
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const texts = (messages: readonly MessageData[]) => messages.map((m) => m.text);
const ids = (messages: readonly MessageData[]) => messages.map((m) => m.id);
const roomOf = (got: readonly MessageData[]) => got.filter((m) => m.to === "");
const dmsOf = (got: readonly MessageData[]) => got.filter((m) => m.to !== "");

/** Everything a room's user sees: messages and DMs, drops, comebacks and the close. */
function watch(room: MeshRoom) {
  const seen = { got: [] as MessageData[], drops: 0, reconnects: 0, left: [] as [number, string | undefined][], errors: [] as string[] };
  room.onMessage((m) => seen.got.push(m));
  room.onDrop(() => seen.drops++);
  room.onReconnect(() => seen.reconnects++);
  room.onLeave((code, reason) => seen.left.push([code, reason]));
  room.onError((e) => seen.errors.push(`${e.code} ${e.ref}: ${e.message}`));
  return seen;
}

// Retries 250 ms apart at most, so the test does not wait out a long backoff while the server starts.
const reconnect = { maxRetries: 60, minDelay: 100, maxDelay: 250 };

describe("a server restart, as SDK users live it", () => {
  it("kill -9 and start again mid-conversation: both sides keep every message and DM, in order, once, with no rejoin by hand", { timeout: 90_000 }, async () => {
    const server = await restartableServer();
    await server.start();
    const ann = await registerUser(server.url, "ann");
    const bob = await registerUser(server.url, "bob");
    // Ann reaches the server through a gate, so the test can keep her out until Bob is back.
    const annGate = await gate(server.url);
    const a = await connect({ url: annGate.url, token: ann.token }).join("lobby", { reconnect });
    const b = await bob.client.join("lobby", { reconnect });
    onTestFinished(async () => {
      await a.leave();
      await b.leave();
    });
    await waitFor("both present", () => a.participant(bob.participant.id) && b.participant(ann.participant.id));
    const annSaw = watch(a);
    const bobSaw = watch(b);

    const ROUNDS = 30;
    const KILL_AT = 10;
    let restarted: Promise<void> | undefined;
    for (let i = 0; i < ROUNDS; i++) {
      a.send(`ann room ${i}`);
      b.send(`bob room ${i}`);
      a.sendDirect(bob.participant.id, `ann dm ${i}`);
      b.sendDirect(ann.participant.id, `bob dm ${i}`);
      if (i === KILL_AT) {
        // Right after a round went out: some of it stored, some in flight, some never sent.
        await server.kill();
        await waitFor("both notice", () => a.connectionState === "reconnecting" && b.connectionState === "reconnecting", 10_000);
        annGate.shut(true);
        // Both sides keep sending while it starts again.
        restarted = server.start();
      }
      await pause(40);
    }
    await restarted;
    // Bob is back first: the restarted server does not know Ann yet, so his DMs to her wait for her.
    await waitFor("Bob back", () => b.connectionState === "open", 30_000);
    await pause(500);
    expect(a.connectionState).toBe("reconnecting");
    annGate.shut(false);
    await waitFor("Ann back", () => a.connectionState === "open", 30_000);

    const expectedRoom = Array.from({ length: ROUNDS }, (_, i) => [`ann room ${i}`, `bob room ${i}`]).flat();
    const expectedDms = Array.from({ length: ROUNDS }, (_, i) => [`ann dm ${i}`, `bob dm ${i}`]).flat();
    const missing = (got: MessageData[]) => [...expectedRoom, ...expectedDms].filter((text) => !texts(got).includes(text));
    // On a timeout the assertion below says what is missing and what the server refused.
    await waitFor("everyone has everything", () => missing(annSaw.got).length + missing(bobSaw.got).length === 0, 20_000).catch(() => {});
    expect({ ann: missing(annSaw.got), bob: missing(bobSaw.got), refused: [...annSaw.errors, ...bobSaw.errors] }).toEqual({ ann: [], bob: [], refused: [] });
    await Promise.all([a.settled(), b.settled()]);

    // Exactly the same messages on both sides, in the same order, with no holes and no repeats.
    expect(ids(roomOf(annSaw.got))).toEqual(ids(roomOf(bobSaw.got)));
    expect(roomOf(annSaw.got).map((m) => m.seq)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
    expect(ids(dmsOf(annSaw.got))).toEqual(ids(dmsOf(bobSaw.got)));
    expect(dmsOf(annSaw.got).map((m) => m.seq)).toEqual(Array.from({ length: 2 * ROUNDS }, (_, i) => i + 1));
    // Each author's own messages kept the order they were sent in.
    for (const who of ["ann", "bob"]) {
      for (const kind of ["room", "dm"]) {
        const own = texts(annSaw.got).filter((t) => t.startsWith(`${who} ${kind} `));
        expect(own).toEqual(Array.from({ length: ROUNDS }, (_, i) => `${who} ${kind} ${i}`));
      }
    }
    // Stored once each, whatever was resent across the crash: history is what both were shown.
    expect(ids(await ann.rest.history("lobby", { after: 0, limit: 500 }))).toEqual(ids(roomOf(annSaw.got)));
    expect(ids((await bob.rest.directHistory("lobby", ann.participant.id, { after: 0, limit: 500 })).messages)).toEqual(ids(dmsOf(bobSaw.got)));

    // One drop and one comeback each, nothing left waiting, no message reported missing.
    for (const [room, saw] of [
      [a, annSaw],
      [b, bobSaw],
    ] as const) {
      expect(saw).toMatchObject({ drops: 1, reconnects: 1, left: [] });
      expect(saw.errors).toEqual([]);
      expect(room.pendingSends).toBe(0);
      expect(room.lastSeq).toBe(2 * ROUNDS);
    }
    // The same MeshRoom keeps working after the restart.
    const after = await a.sendDirectAndWait(bob.participant.id, "still here");
    await waitFor("Bob gets the DM sent after the restart", () => bobSaw.got.some((m) => m.id === after.id));
  });

  it("a participant banned while the server was down is refused when the SDK joins again, and the room ends closed with the reason", { timeout: 60_000 }, async () => {
    const server = await restartableServer();
    await server.start();
    const owner = await registerUser(server.url, "owner"); // the first account owns the mesh
    const eve = await registerUser(server.url, "eve");
    const o = await owner.client.join("lobby", { reconnect });
    const e = await eve.client.join("lobby", { reconnect });
    onTestFinished(() => o.leave());
    const eveSaw = watch(e);
    const ownerSaw = watch(o);

    await server.kill();
    await waitFor("Eve notices", () => e.connectionState === "reconnecting", 10_000);
    const unsent = e.sendAndWait("let me back in", {}, 30_000).then(
      () => undefined,
      (error: unknown) => error,
    );
    // While it is down, the owner's ban goes straight into its database.
    const db = openDatabase(path.join(server.dataDir, "mesh.sqlite"));
    const now = Date.now();
    db.sanctions.impose({
      roomId: "lobby",
      participantId: eve.participant.id,
      kind: "ban",
      until: now + 3_600_000,
      byId: owner.participant.id,
      byPriority: 1000,
      createdAt: now,
    });
    db.close();
    await server.start();

    await waitFor("Eve's room closed", () => e.connectionState === "closed", 30_000);
    expect(e.closedWith).toBe(JoinErrorCode.Banned);
    expect(eveSaw.left).toHaveLength(1);
    expect(eveSaw.left[0][0]).toBe(JoinErrorCode.Banned);
    expect(eveSaw.left[0][1]).toMatch(/banned from room 'lobby'/);
    expect(eveSaw.drops).toBe(1);
    expect(eveSaw.reconnects).toBe(0);
    // What Eve sent meanwhile fails with that reason, and was never stored.
    const refused = await unsent;
    expect(refused).toBeInstanceOf(MeshSendError);
    expect(refused).toMatchObject({ code: "closed", message: expect.stringMatching(/banned/) });
    // The owner came back as if nothing happened, and Eve is not in the room.
    await waitFor("owner back", () => o.connectionState === "open", 30_000);
    expect(ownerSaw).toMatchObject({ drops: 1, reconnects: 1 });
    expect(o.participant(eve.participant.id)).toBeUndefined();
    expect(texts(await owner.rest.history("lobby", { after: 0 }))).not.toContain("let me back in");
  });

  it("a graceful restart (SIGTERM, as a deploy does it) is a drop and a comeback too, not a logout", { timeout: 60_000 }, async () => {
    const server = await restartableServer();
    await server.start();
    const ann = await registerUser(server.url, "ann");
    const a = await ann.client.join("lobby", { reconnect });
    onTestFinished(() => a.leave());
    const annSaw = watch(a);
    await a.sendAndWait("before the deploy");

    await server.stop();
    await waitFor("Ann notices", () => a.connectionState === "reconnecting", 10_000);
    const during = a.sendAndWait("during the deploy", {}, 30_000);
    await server.start();
    await during;
    await a.sendAndWait("after the deploy");

    expect(texts(annSaw.got)).toEqual(["before the deploy", "during the deploy", "after the deploy"]);
    expect(annSaw).toMatchObject({ drops: 1, reconnects: 1, left: [], errors: [] });
    expect(a.closedWith).toBeUndefined();
  });
});
