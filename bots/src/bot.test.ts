import { afterEach, describe, expect, it, vi } from "vitest";
import { type BotConnection, MeshBot } from "./bot.ts";
import { MeshJoinError } from "./client.ts";
import { MeshError } from "./errors.ts";
import { FakeMeshRoom } from "./fake-room.ts";
import type { ParticipantView } from "./participants.ts";
import { testMessage } from "./test-messages.ts";

const ME = { id: "bot-1", name: "Helper" };

function person(id: string, name: string): ParticipantView {
  return { id, name, kind: "human", role: "member", x: 0, y: 0, z: 0, heading: 0, online: true, status: "online", typing: false, muted: false, trust: "local", ownerId: "" };
}

/** A bot over a FakeMeshRoom, started; `errors` collects what onError is told. */
async function startedBot() {
  const room = new FakeMeshRoom(ME.id, [person(ME.id, ME.name), person("ann", "ann")]);
  const joins: string[] = [];
  const connection: BotConnection = {
    identity: async () => ME,
    join: async (roomId) => {
      joins.push(roomId);
      return room;
    },
  };
  const bot = new MeshBot({ url: "http://mesh.invalid", token: "t" }, connection);
  const errors: MeshError[] = [];
  bot.onError((error) => errors.push(error));
  await bot.start();
  return { bot, room, errors, joins };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("createBot", () => {
  it("joins the lobby by default and knows who it is", async () => {
    const { bot, joins } = await startedBot();
    expect(joins).toEqual(["lobby"]);
    expect(bot.me).toEqual(ME);
    expect(bot.participants().map((p) => p.name)).toEqual(["Helper", "ann"]);
  });

  it("hands over others' messages once, not its own, with mentionsMe and isDirect", async () => {
    const { bot, room } = await startedBot();
    const seen: string[] = [];
    bot.onMessage((m) => {
      seen.push(`${m.text} mention=${m.mentionsMe()} direct=${m.isDirect}`);
    });
    room.messages.emit(testMessage(1, { authorId: "ann", text: "hi @helper, there?" }));
    room.messages.emit(testMessage(2, { authorId: ME.id, text: "my own @Helper" }));
    room.messages.emit(testMessage(3, { authorId: "ann", text: "mail@helper.org is not a mention" }));
    room.messages.emit(testMessage(1, { authorId: "ann", to: ME.id, text: "psst" }));
    expect(seen).toEqual([
      "hi @helper, there? mention=true direct=false",
      "mail@helper.org is not a mention mention=false direct=false",
      "psst mention=false direct=true",
    ]);
  });

  it("replies in the thread of a room message and as a DM to a DM, resolving with the stored message", async () => {
    const { bot, room } = await startedBot();
    const replies: Promise<unknown>[] = [];
    bot.onMessage((m) => {
      replies.push(bot.reply(m, `re: ${m.text}`));
    });
    room.messages.emit(testMessage(4, { id: "m4", authorId: "ann", text: "root" }));
    room.messages.emit(testMessage(5, { id: "m5", authorId: "ann", threadId: "m4", text: "in thread" }));
    room.messages.emit(testMessage(1, { authorId: "ann", to: ME.id, text: "dm" }));
    expect(room.sends.map(({ text, threadId, to }) => ({ text, threadId, to }))).toEqual([
      { text: "re: root", threadId: "m4", to: undefined },
      { text: "re: in thread", threadId: "m4", to: undefined },
      { text: "re: dm", threadId: undefined, to: "ann" },
    ]);
    const stored = testMessage(6, { authorId: ME.id, text: "re: root" });
    room.store(room.sends[0].nonce, stored);
    await expect(replies[0]).resolves.toEqual(stored);
  });

  it("send goes to the room, or as a DM with `to`", async () => {
    const { bot, room } = await startedBot();
    void bot.send("hello all");
    void bot.send("hello ann", { to: "ann" });
    expect(room.sends.map(({ text, to }) => ({ text, to }))).toEqual([
      { text: "hello all", to: undefined },
      { text: "hello ann", to: "ann" },
    ]);
  });

  it("a refused send rejects with a typed MeshError and is reported through onError; nobody awaiting is no crash", async () => {
    const { bot, room, errors } = await startedBot();
    const awaited = bot.send("not allowed");
    void bot.send("fire and forget");
    const [first, second] = room.sends;
    room.refuse(first.nonce, { code: "forbidden", message: "send_messages is not yours", ref: `send_message:${first.nonce}` });
    room.refuse(second.nonce, { code: "rate_limited", message: "slow down", ref: `send_message:${second.nonce}` });
    const error = await awaited.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeshError);
    expect(error).toMatchObject({ code: "forbidden", ref: `send_message:${first.nonce}` });
    expect(errors.map((e) => [e.code, e.ref])).toEqual([
      ["forbidden", `send_message:${first.nonce}`],
      ["rate_limited", `send_message:${second.nonce}`],
    ]);
    // An unhandled rejection would fail the run; give it the chance to surface.
    await flush();
  });

  it("server errors (a forbidden command) come to onError as MeshError with code and ref", async () => {
    const { bot, room, errors } = await startedBot();
    bot.command(["b1", "b2"], { kind: "move_to", x: 3, z: 4 });
    expect(room.sent).toEqual([["command", { agentIds: ["b1", "b2"], order: { kind: "move_to", x: 3, z: 4 } }]]);
    room.errors.emit({ code: "forbidden", message: "b2 is not yours", ref: "command" });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(MeshError);
    expect(errors[0]).toMatchObject({ code: "forbidden", ref: "command", message: "b2 is not yours" });
  });

  it("onOrder gets the order; report sends order_status with the order's id", async () => {
    const { bot, room } = await startedBot();
    bot.onOrder((order) => {
      if (order.kind !== "task") return;
      order.report("active");
      order.report("done", `did: ${order.text}`);
    });
    room.orders.emit({ id: "o1", kind: "move_to", by: "ann", roomId: "lobby", x: 1, z: 2 });
    room.orders.emit({ id: "o2", kind: "task", by: "ann", roomId: "lobby", text: "count sheep" });
    expect(room.sent).toEqual([
      ["order_status", { orderId: "o2", status: "active" }],
      ["order_status", { orderId: "o2", status: "done", note: "did: count sheep" }],
    ]);
  });

  it("a handler that throws or rejects is reported through onError; later handlers and messages still run", async () => {
    const { bot, room, errors } = await startedBot();
    const seen: string[] = [];
    bot.onMessage((m) => {
      if (m.text === "boom") throw new Error("handler bug");
    });
    bot.onMessage(async (m) => {
      seen.push(m.text);
      if (m.text === "later") throw new Error("async bug");
    });
    bot.onJoin(() => {
      throw new TypeError("join bug");
    });
    room.messages.emit(testMessage(1, { authorId: "ann", text: "boom" }));
    room.messages.emit(testMessage(2, { authorId: "ann", text: "later" }));
    room.presence.emit({ kind: "join", participant: person("bob", "bob") });
    await flush();
    expect(seen).toEqual(["boom", "later"]);
    expect(errors.map((e) => [e.code, e.ref, e.message])).toEqual([
      ["handler", "onMessage", "onMessage handler failed: handler bug"],
      ["handler", "onJoin", "onJoin handler failed: join bug"],
      ["handler", "onMessage", "onMessage handler failed: async bug"],
    ]);
    expect(errors[0].cause).toBeInstanceOf(Error);
  });

  it("reports others joining and leaving, never itself", async () => {
    const { bot, room } = await startedBot();
    const events: string[] = [];
    bot.onJoin((p) => events.push(`join ${p.name}`));
    bot.onLeave((p) => events.push(`leave ${p.name}`));
    room.presence.emit({ kind: "join", participant: person(ME.id, ME.name) });
    room.presence.emit({ kind: "join", participant: person("bob", "bob") });
    room.presence.emit({ kind: "leave", participant: person("bob", "bob") });
    expect(events).toEqual(["join bob", "leave bob"]);
  });

  it("without an onError handler, errors go to stderr instead of being thrown", async () => {
    const room = new FakeMeshRoom(ME.id);
    const bot = new MeshBot({ url: "http://mesh.invalid", token: "t" }, { identity: async () => ME, join: async () => room });
    await bot.start();
    const stderr = vi.spyOn(console, "error").mockImplementation(() => {});
    bot.onMessage(() => {
      throw new Error("oops");
    });
    expect(() => room.messages.emit(testMessage(1, { authorId: "ann" }))).not.toThrow();
    room.errors.emit({ code: "bad_input", message: "x: must be a finite number", ref: "move" });
    expect(stderr.mock.calls.map((c) => c[0])).toEqual([
      "[mesh bot] handler: onMessage handler failed: oops (onMessage)",
      "[mesh bot] bad_input: x: must be a finite number (move)",
    ]);
  });

  it("a refused start rejects with a MeshError saying why; calls before start are reported, not thrown", async () => {
    const refused = new MeshBot(
      { url: "http://mesh.invalid", token: "bad" },
      {
        identity: async () => ME,
        join: async () => {
          throw new MeshJoinError(525, "token expired");
        },
      },
    );
    const errors: MeshError[] = [];
    refused.onError((e) => errors.push(e));
    await expect(refused.start()).rejects.toMatchObject({ name: "MeshError", code: "unauthorized", ref: "join", status: 525 });
    expect(() => refused.moveTo(1, 1)).not.toThrow();
    await expect(refused.send("hi")).rejects.toMatchObject({ code: "not_started" });
    expect(() => refused.me).toThrow(MeshError);
    // The refusal itself reaches onError too, like every error.
    expect(errors.map((e) => e.code)).toEqual(["unauthorized", "not_started", "not_started"]);
  });

  it("stop leaves the room and reports the close without an error; a close by the server is an error", async () => {
    const { bot, room, errors } = await startedBot();
    const closes: number[] = [];
    bot.onClose((code) => closes.push(code));
    room.leaves.emit(4003, "kicked");
    expect(errors.map((e) => [e.code, e.status])).toEqual([["closed", 4003]]);
    await bot.stop();
    expect(room.left).toBe(true);
    expect(closes).toEqual([4003, 4000]);
    expect(errors).toHaveLength(1);
  });

  it("stop then start joins again with a new connection; the old room's late events are not handled", async () => {
    const rooms: FakeMeshRoom[] = [];
    const bot = new MeshBot(
      { url: "http://mesh.invalid", token: "t" },
      {
        identity: async () => ME,
        join: async () => {
          const room = new FakeMeshRoom(ME.id);
          rooms.push(room);
          return room;
        },
      },
    );
    const errors: MeshError[] = [];
    const seen: string[] = [];
    const closes: number[] = [];
    bot.onError((e) => errors.push(e));
    bot.onMessage((m) => void seen.push(m.text));
    bot.onClose((code) => void closes.push(code));
    await bot.start();
    await bot.stop();
    expect(rooms[0].left).toBe(true);
    await bot.start();
    expect(rooms).toHaveLength(2);
    expect(rooms[1].left).toBe(false);
    // Calls go to the new room; the old one's stragglers are ignored.
    void bot.send("hello again");
    expect(rooms[1].sends.map((p) => p.text)).toEqual(["hello again"]);
    expect(rooms[0].sends).toEqual([]);
    rooms[0].messages.emit(testMessage(1, { authorId: "ann", text: "old" }));
    rooms[0].errors.emit({ code: "forbidden", message: "old", ref: "move" });
    rooms[1].messages.emit(testMessage(1, { authorId: "ann", text: "new" }));
    expect(seen).toEqual(["new"]);
    expect(errors).toEqual([]);
    // A close by the server is an error again after a restart.
    rooms[1].leaves.emit(4003, "kicked");
    expect(errors.map((e) => [e.code, e.status])).toEqual([["closed", 4003]]);
    expect(closes).toEqual([4000, 4003]);
  });

  it("start right after stop (not awaited) joins once the stop has left the old room", async () => {
    const order: string[] = [];
    let n = 0;
    const bot = new MeshBot(
      { url: "http://mesh.invalid", token: "t" },
      {
        identity: async () => ME,
        join: async () => {
          const id = ++n;
          order.push(`join ${id}`);
          const room = new FakeMeshRoom(ME.id);
          room.leave = async () => {
            await flush();
            order.push(`left ${id}`);
            room.leaves.emit(4000, undefined);
          };
          return room;
        },
      },
    );
    await bot.start();
    const stopped = bot.stop();
    const started = bot.start();
    await Promise.all([stopped, started]);
    expect(order).toEqual(["join 1", "left 1", "join 2"]);
    // Stopping twice, or with no session, is a no-op.
    await Promise.all([bot.stop(), bot.stop()]);
    expect(order).toEqual(["join 1", "left 1", "join 2", "left 2"]);
  });

  it("stop before start does nothing and leaves nothing behind: a later close by the server is an error", async () => {
    const room = new FakeMeshRoom(ME.id);
    const joins: string[] = [];
    const bot = new MeshBot(
      { url: "http://mesh.invalid", token: "t" },
      {
        identity: async () => ME,
        join: async (roomId) => {
          joins.push(roomId);
          return room;
        },
      },
    );
    const errors: MeshError[] = [];
    bot.onError((e) => errors.push(e));
    await bot.stop();
    expect(joins).toEqual([]);
    await bot.start();
    expect(joins).toEqual(["lobby"]);
    room.leaves.emit(4003, "kicked");
    expect(errors.map((e) => [e.code, e.status])).toEqual([["closed", 4003]]);
  });

  it("a start that failed can be stopped (nothing to leave) and started again", async () => {
    let fail = true;
    const room = new FakeMeshRoom(ME.id);
    const bot = new MeshBot(
      { url: "http://mesh.invalid", token: "t" },
      {
        identity: async () => ME,
        join: async () => {
          if (fail) throw new MeshJoinError(0, "connection refused");
          return room;
        },
      },
    );
    await expect(bot.start()).rejects.toMatchObject({ code: "network" });
    await bot.stop();
    fail = false;
    await bot.start();
    void bot.send("up");
    expect(room.sends.map((p) => p.text)).toEqual(["up"]);
  });
});
