import type { ErrorPayload, MessageData } from "@mesh/schema";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeRoom } from "./fake-room.ts";
import { RoomLink } from "./link.ts";
import { MeshSendError, PendingSends, type SendPayload } from "./pending.ts";
import { testMessage } from "./test-messages.ts";

const stored = (seq: number, nonce: string, authorId = "me") => testMessage(seq, { nonce, authorId, text: nonce });

function pendingWith(answerMs?: number) {
  const sent: string[] = [];
  const expired: string[] = [];
  const pending = new PendingSends(
    "me",
    (p) => sent.push(p.nonce),
    (p) => expired.push(p.nonce),
    answerMs,
  );
  return { pending, sent, expired };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("PendingSends", () => {
  it("settles a send by its stored message: same nonce and same author only", async () => {
    const { pending, sent } = pendingWith();
    const done = pending.submit({ text: "hi", nonce: "n1" });
    expect(sent).toEqual(["n1"]);
    pending.settle(stored(1, "n1", "someone-else"));
    expect(pending.size).toBe(1);
    pending.settle(stored(2, "n1"));
    await expect(done).resolves.toMatchObject({ seq: 2, nonce: "n1" });
    expect(pending.size).toBe(0);
  });

  it("settles a send by an error whose ref names its nonce", async () => {
    const { pending } = pendingWith();
    const done = pending.submit({ text: "hi", nonce: "n1" });
    expect(pending.fail({ code: "forbidden", message: "you are muted", ref: "send_message" })).toBe(false);
    expect(pending.fail({ code: "forbidden", message: "you are muted", ref: "send_message:n1" })).toBe(true);
    await expect(done).rejects.toMatchObject({ code: "forbidden", nonce: "n1" });
  });

  it("an error with no ref, or a ref that is no string, settles nothing and does not throw", () => {
    const { pending } = pendingWith();
    void pending.submit({ text: "hi", nonce: "n1" });
    const odd = [{ code: "internal", message: "no ref" }, { code: "internal", message: "x", ref: 5 }, null, undefined, "boom"];
    for (const error of odd) expect(pending.fail(error as unknown as ErrorPayload)).toBe(false);
    expect(pending.size).toBe(1);
  });

  it("after a drop resends every unanswered send, in order, with the same nonce, and holds new ones", () => {
    const { pending, sent } = pendingWith();
    void pending.submit({ text: "a", nonce: "a" });
    void pending.submit({ text: "b", nonce: "b" });
    pending.settle(stored(1, "a"));
    pending.pause();
    void pending.submit({ text: "c", nonce: "c" });
    expect(sent).toEqual(["a", "b"]);
    pending.resume();
    expect(sent).toEqual(["a", "b", "b", "c"]);
  });

  it("holds the sends a hold names, each in its place, until it no longer names them or is lifted", () => {
    const { pending, sent } = pendingWith();
    const present = new Set<string>();
    pending.hold((p) => p.to !== undefined && !present.has(p.to));
    void pending.submit({ text: "to ann 1", nonce: "a1", to: "ann" });
    void pending.submit({ text: "room", nonce: "r1" });
    void pending.submit({ text: "to cid", nonce: "c1", to: "cid" });
    void pending.submit({ text: "to ann 2", nonce: "a2", to: "ann" });
    expect(sent).toEqual(["r1"]);
    present.add("ann");
    pending.flush();
    void pending.submit({ text: "to ann 3", nonce: "a3", to: "ann" });
    expect(sent).toEqual(["r1", "a1", "a2", "a3"]);
    pending.pause();
    pending.hold(undefined); // lifted while down: nothing goes until the connection is back
    expect(sent).toEqual(["r1", "a1", "a2", "a3"]);
    pending.resume();
    // Nothing was answered, so all go again, in the order they were submitted.
    expect(sent.slice(4)).toEqual(["a1", "r1", "c1", "a2", "a3"]);
  });

  it("a send submitted again while pending or after delivery is not sent twice", async () => {
    const { pending, sent } = pendingWith();
    const first = pending.submit({ text: "a", nonce: "a" });
    const again = pending.submit({ text: "a", nonce: "a" });
    expect(sent).toEqual(["a"]);
    pending.settle(stored(1, "a"));
    await expect(again).resolves.toBe(await first);
    await expect(pending.submit({ text: "a", nonce: "a" })).resolves.toMatchObject({ seq: 1 });
    expect(sent).toEqual(["a"]);
  });

  it("fails a send with no answer in time, counting from its last transmission", async () => {
    vi.useFakeTimers();
    const { pending, expired } = pendingWith(1000);
    const done = pending.submit({ text: "a", nonce: "a" });
    vi.advanceTimersByTime(900);
    pending.pause();
    vi.advanceTimersByTime(5000);
    pending.resume();
    vi.advanceTimersByTime(900);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(expired).toEqual(["a"]);
    await expect(done).rejects.toMatchObject({ code: "timeout" });
  });

  it("fails every pending and later send once the room is closed", async () => {
    const { pending } = pendingWith();
    const done = pending.submit({ text: "a", nonce: "a" });
    pending.close("kicked");
    await expect(done).rejects.toBeInstanceOf(MeshSendError);
    await expect(pending.submit({ text: "b", nonce: "b" })).rejects.toMatchObject({ code: "closed" });
  });

  it("refuses a nonce the server could not name in an error", async () => {
    const { pending, sent } = pendingWith();
    await expect(pending.submit({ text: "a", nonce: "x".repeat(129) })).rejects.toMatchObject({ code: "bad_input" });
    expect(sent).toEqual([]);
  });
});

/**
 * A server that stores each (author, nonce) once, numbers what it stores, and can lose frames
 * in flight; the client side is PendingSends over a RoomLink, wired as MeshRoom wires them.
 */
function resendHarness() {
  const room = new FakeRoom();
  const log: MessageData[] = [];
  let wire = true;
  const transmitted = () => room.sent.splice(0).map(([, payload]) => payload as SendPayload);
  const serverReceives = () => {
    for (const payload of transmitted()) {
      if (!wire) continue;
      if (log.some((m) => m.nonce === payload.nonce)) continue;
      log.push(stored(log.length + 1, payload.nonce));
    }
  };
  let delivered = 0;
  const feedCatchesUp = () => {
    for (const message of log.slice(delivered)) pending.settle(message);
    delivered = log.length;
  };
  const link = new RoomLink(room, {
    drop: () => pending.pause(),
    resume: () => pending.resume(),
    close: (code) => pending.close(`closed ${code}`),
  });
  const pending = new PendingSends("me", (p) => link.send("send_message", p), () => {});
  return {
    room,
    link,
    pending,
    log,
    serverReceives,
    feedCatchesUp,
    cut() {
      wire = false;
    },
    restore() {
      wire = true;
    },
  };
}

describe("sends across a dropped connection", () => {
  it("are each stored once and each answered, whether the drop came before or after the server got them", async () => {
    const h = resendHarness();
    const a = h.pending.submit({ text: "a", nonce: "a" });
    h.serverReceives(); // a is stored, but the patch carrying it never arrives
    h.cut();
    const b = h.pending.submit({ text: "b", nonce: "b" });
    h.serverReceives(); // b is lost in flight
    h.room.fire("drop", 1006);
    const c = h.pending.submit({ text: "c", nonce: "c" }); // sent while down: held
    h.restore();
    h.room.fire("reconnect");
    h.link.stateApplied();
    h.serverReceives();
    h.feedCatchesUp();
    expect(h.log.map((m) => m.nonce)).toEqual(["a", "b", "c"]);
    await expect(Promise.all([a, b, c])).resolves.toMatchObject([{ seq: 1 }, { seq: 2 }, { seq: 3 }]);
    expect(h.pending.size).toBe(0);
  });

  it("fail when the connection cannot be resumed", async () => {
    const h = resendHarness();
    h.room.fire("drop", 1006);
    const a = h.pending.submit({ text: "a", nonce: "a" });
    h.room.fire("leave", 4003, "No more retries. Reconnection failed.");
    await expect(a).rejects.toMatchObject({ code: "closed" });
    expect(h.room.sent).toEqual([]);
  });
});
