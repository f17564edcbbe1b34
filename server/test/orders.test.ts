import { connect, type MeshRoom } from "@mesh/bots";
import type { OrderMessage } from "@mesh/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyedRateLimiter } from "../src/limits.ts";
import { errorsOf, registerBot, registerUser, startTestServer, type TestServer, type TestUser, ticksPass, waitFor } from "./harness.ts";

describe("orders: bots as entities that obey their owners", () => {
  let server: TestServer;
  let ann: TestUser;
  let bob: TestUser;
  let annRoom: MeshRoom;
  let bobRoom: MeshRoom;
  let bots: { id: string; token: string; room: MeshRoom; orders: OrderMessage[] }[];

  beforeAll(async () => {
    server = await startTestServer();
    await registerUser(server.url, "root"); // the first account is the mesh's owner
    ann = await registerUser(server.url, "ann");
    bob = await registerUser(server.url, "bob");
    bots = [];
    for (const name of ["ann-bot-1", "ann-bot-2", "ann-bot-3"]) {
      const bot = await registerBot(server.url, ann.token, { name });
      const room = await connect({ url: server.url, token: bot.token }).join("lobby");
      const orders: OrderMessage[] = [];
      room.onOrder((order) => orders.push(order));
      bots.push({ ...bot, room, orders });
    }
    annRoom = await ann.client.join("lobby");
    bobRoom = await bob.client.join("lobby");
    await waitFor("everyone present", () => annRoom.state.participants.size === 5 && bobRoom.state.participants.size === 5);
  });
  afterAll(() => server.stop());

  const seen = (id: string) => annRoom.state.participants.get(id);

  it("shows a bot as a bot entity with its owner, to everyone", () => {
    const bot = bobRoom.state.participants.get(bots[0].id);
    expect(bot?.kind).toBe("bot");
    expect(bot?.ownerId).toBe(ann.participant.id);
    expect(bobRoom.state.participants.get(ann.participant.id)?.ownerId).toBe("");
  });

  it("move_to: a group spreads in formation, each order goes active then done, and every bot is told", async () => {
    const ids = bots.map((b) => b.id);
    const statuses = new Map<string, string[]>();
    const stopWatching = annRoom.onChange(() => {
      for (const id of ids) {
        const status = seen(id)?.order?.status;
        const list = statuses.get(id) ?? [];
        if (status && list.at(-1) !== status) list.push(status);
        statuses.set(id, list);
      }
    });
    annRoom.sendRaw("command", { agentIds: ids, order: { kind: "move_to", x: 38, z: 28 } });
    await waitFor("all three done", () => ids.every((id) => seen(id)?.order?.status === "done"), 15000);
    stopWatching();
    for (const id of ids) expect(statuses.get(id)).toEqual(["active", "done"]);
    const points = ids.map((id) => `${seen(id)?.x.toFixed(2)},${seen(id)?.z.toFixed(2)}`);
    expect(new Set(points).size).toBe(3); // not stacked on one point
    for (const id of ids) {
      const p = seen(id);
      expect(Math.hypot((p?.x ?? 0) - 38, (p?.z ?? 0) - 28)).toBeLessThan(4);
      expect(p?.order?.kind).toBe("move_to");
    }
    const orderId = seen(ids[0])?.order?.id;
    expect(new Set(ids.map((id) => seen(id)?.order?.id))).toEqual(new Set([orderId]));
    for (const bot of bots) {
      await waitFor("the bot heard its order", () => bot.orders.find((o) => o.id === orderId));
      expect(bot.orders.at(-1)).toMatchObject({ kind: "move_to", x: 38, z: 28, by: ann.participant.id, roomId: "lobby" });
    }
  });

  it("follow re-targets every tick and stop ends it; a new order cancels the old one", async () => {
    const bot = bots[0];
    annRoom.moveTo(30, 36);
    annRoom.sendRaw("command", { agentIds: [bot.id], order: { kind: "follow", targetId: ann.participant.id, distance: 2 } });
    await waitFor("following", () => seen(bot.id)?.order?.kind === "follow" && seen(bot.id)?.order?.status === "active");
    const followId = seen(bot.id)?.order?.id;
    await waitFor("the bot caught up with ann", () => {
      const b = seen(bot.id);
      const a = seen(ann.participant.id);
      return a && b && Math.hypot(a.x - b.x, a.z - b.z) <= 2.5 && Math.hypot(a.x - 30, a.z - 36) < 0.1;
    }, 20000);
    annRoom.moveTo(38, 36);
    await waitFor("the bot follows ann's new position", () => {
      const b = seen(bot.id);
      return b && Math.hypot(b.x - 38, b.z - 36) <= 2.5;
    }, 20000);
    annRoom.sendRaw("command", { agentIds: [bot.id], order: { kind: "stop" } });
    await waitFor("stopped", () => seen(bot.id)?.order?.kind === "stop" && seen(bot.id)?.order?.status === "done");
    expect(seen(bot.id)?.order?.id).not.toBe(followId);
    const at = { x: seen(bot.id)?.x, z: seen(bot.id)?.z };
    annRoom.moveTo(30, 30);
    await ticksPass(annRoom, 10);
    expect({ x: seen(bot.id)?.x, z: seen(bot.id)?.z }).toEqual(at); // no longer following
  });

  it("say: the bot speaks through the normal message path, as itself", async () => {
    const bot = bots[1];
    annRoom.sendRaw("command", { agentIds: [bot.id], order: { kind: "say", text: "reporting for duty" } });
    const said = await waitFor("the bot said it", () => annRoom.messages().find((m) => m.text === "reporting for duty"));
    expect(said.authorId).toBe(bot.id);
    expect(said.authorName).toBe("ann-bot-2");
    await waitFor("say done", () => seen(bot.id)?.order?.kind === "say" && seen(bot.id)?.order?.status === "done");
  });

  it("task: pending until the bot reports, then its status and note are everyone's to see", async () => {
    const bot = bots[2];
    annRoom.sendRaw("command", { agentIds: [bot.id], order: { kind: "task", text: "count the chairs" } });
    const order = await waitFor("the bot got the task", () => bot.orders.find((o) => o.kind === "task"));
    expect(order.text).toBe("count the chairs");
    await waitFor("pending", () => seen(bot.id)?.order?.status === "pending" && seen(bot.id)?.order?.id === order.id);
    bot.room.sendRaw("order_status", { orderId: order.id, status: "active", note: "counting" });
    await waitFor("active", () => seen(bot.id)?.order?.status === "active" && seen(bot.id)?.order?.note === "counting");
    bot.room.sendRaw("order_status", { orderId: order.id, status: "done", note: "12 chairs" });
    await waitFor("done", () => bobRoom.state.participants.get(bot.id)?.order?.note === "12 chairs");
    expect(bobRoom.state.participants.get(bot.id)?.order?.status).toBe("done");
    // A report on a finished order, or on an order it does not hold, is refused.
    const errors = errorsOf(bot.room);
    bot.room.sendRaw("order_status", { orderId: order.id, status: "failed" });
    bot.room.sendRaw("order_status", { orderId: "not-an-order", status: "done" });
    await waitFor("two refusals", () => errors.length >= 2);
    expect(errors.map((e) => e.code).sort()).toEqual(["bad_input", "not_found"]);
    expect(seen(bot.id)?.order?.status).toBe("done");
  });

  it("refuses, one by one, agents that are not yours to command; the others still obey", async () => {
    const errors = errorsOf(bobRoom);
    const before = seen(bots[0].id)?.order?.id;
    bobRoom.sendRaw("command", { agentIds: [bots[0].id], order: { kind: "move_to", x: 1, z: 1 } });
    await waitFor("bob refused", () => errors.length >= 1);
    expect(errors[0]).toMatchObject({ code: "forbidden", ref: `command:${bots[0].id}` });
    await ticksPass(annRoom, 3);
    expect(seen(bots[0].id)?.order?.id).toBe(before);

    const annErrors = errorsOf(annRoom);
    annRoom.sendRaw("command", {
      agentIds: [bots[0].id, ann.participant.id, bob.participant.id, "no-such-id", bots[0].id],
      order: { kind: "move_to", x: 34, z: 34 },
    });
    await waitFor("three refusals", () => annErrors.length >= 3);
    expect(annErrors.map((e) => e.ref).sort()).toEqual([`command:${ann.participant.id}`, `command:${bob.participant.id}`, "command:no-such-id"].sort());
    expect(annErrors.every((e) => e.code === "forbidden")).toBe(true);
    await waitFor("the one bot of ann's obeyed", () => seen(bots[0].id)?.order?.status === "done" && seen(bots[0].id)?.order?.x === 34, 15000);
  });

  it("refuses bad orders whole: NaN or off-floor points, self-follow, 10,000 agents, unknown kinds", async () => {
    const errors = errorsOf(annRoom);
    const bot = bots[0].id;
    const bad = [
      { agentIds: [bot], order: { kind: "move_to", x: Number.NaN, z: 1 } },
      { agentIds: [bot], order: { kind: "move_to", x: 1000, z: 1 } },
      { agentIds: [bot], order: { kind: "move_to", x: 65, z: 1 } }, // the lobby is 64 × 64
      { agentIds: Array.from({ length: 10_000 }, (_, i) => `a${i}`), order: { kind: "stop" } },
      { agentIds: [bot], order: { kind: "dance" } },
      { agentIds: [bot], order: { kind: "follow", targetId: "nobody-here" } },
      { agentIds: [bot], order: { kind: "say", text: "" } },
    ];
    for (const payload of bad) annRoom.sendRaw("command", payload);
    annRoom.sendRaw("command", { agentIds: [bot], order: { kind: "follow", targetId: bot } });
    await waitFor("every bad command answered", () => errors.length >= bad.length + 1, 8000);
    expect(errors.slice(0, bad.length).map((e) => e.code)).toEqual(["bad_input", "bad_input", "bad_input", "bad_input", "bad_input", "not_found", "bad_input"]);
    expect(errors[bad.length]).toMatchObject({ code: "bad_input", ref: `command:${bot}` });
    expect(Number.isFinite(seen(bot)?.x)).toBe(true);
    const tick = annRoom.tick;
    await ticksPass(annRoom, 5);
    expect(annRoom.tick).toBeGreaterThan(tick);
  });

  it("a command costs what it makes happen: a say is a message from every bot", async () => {
    const { limits } = server.services;
    const normal = limits.inputs;
    limits.inputs = new KeyedRateLimiter(0.001, 6);
    try {
      const errors = errorsOf(annRoom);
      const ids = bots.map((b) => b.id);
      const long = `long ${"words ".repeat(1000)}`; // over 2,000 characters: each copy costs more
      annRoom.sendRaw("command", { agentIds: ids, order: { kind: "say", text: long } });
      await waitFor("refused", () => errors.find((e) => e.code === "rate_limited"));
      annRoom.sendRaw("command", { agentIds: ids, order: { kind: "say", text: "short and sweet" } });
      await waitFor("three bots said it", () => annRoom.messages().filter((m) => m.text === "short and sweet").length === 3);
      await ticksPass(annRoom, 3);
      expect(annRoom.messages().some((m) => m.text === long)).toBe(false);
    } finally {
      limits.inputs = normal;
    }
  });

  it("follow cycles keep a sane state", async () => {
    const [a, b, c] = bots.map((bot) => bot.id);
    annRoom.sendRaw("command", { agentIds: [a], order: { kind: "follow", targetId: b } });
    annRoom.sendRaw("command", { agentIds: [b], order: { kind: "follow", targetId: c } });
    annRoom.sendRaw("command", { agentIds: [c], order: { kind: "follow", targetId: a } });
    await ticksPass(annRoom, 60);
    for (const id of [a, b, c]) {
      const p = seen(id);
      expect(p?.order?.kind).toBe("follow");
      expect(p?.order?.status).toBe("active");
      expect(p && p.x >= 0 && p.x <= 64 && p.z >= 0 && p.z <= 64).toBe(true);
    }
    annRoom.sendRaw("command", { agentIds: [a, b, c], order: { kind: "stop" } });
    await waitFor("all stopped", () => [a, b, c].every((id) => seen(id)?.order?.kind === "stop"));
  });

  it("a follow fails when its leader leaves", async () => {
    const leaver = await registerUser(server.url, "leaver");
    const room = await leaver.client.join("lobby");
    await waitFor("leaver present", () => seen(leaver.participant.id));
    annRoom.sendRaw("command", { agentIds: [bots[1].id], order: { kind: "follow", targetId: leaver.participant.id } });
    await waitFor("following the leaver", () => seen(bots[1].id)?.order?.kind === "follow" && seen(bots[1].id)?.order?.status === "active");
    await room.leave();
    await waitFor("failed", () => seen(bots[1].id)?.order?.status === "failed", 8000);
  });
});
