import { describe, expect, it } from "vitest";
import { MalformedFrame, readError, readMessage, readOrder } from "./frames.ts";
import { testMessage } from "./test-messages.ts";

const refusal = (read: () => unknown) => {
  try {
    read();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe("reading what the server sends", () => {
  it("an error: a known code and a message; a missing or non-string ref reads as none", () => {
    expect(readError("error", { code: "forbidden", message: "no", ref: "command" })).toEqual({ code: "forbidden", message: "no", ref: "command" });
    expect(readError("error", { code: "internal", message: "no ref" })).toEqual({ code: "internal", message: "no ref", ref: "" });
    expect(readError("error", { code: "internal", message: "x", ref: 5 })).toEqual({ code: "internal", message: "x", ref: "" });
    for (const bad of [null, undefined, "boom", 3, [], { code: "internal" }, { code: 42, message: "m" }, { code: "made_up", message: "m" }]) {
      const error = refusal(() => readError("error", bad));
      expect(error).toBeInstanceOf(MalformedFrame);
      expect((error as MalformedFrame).message).toMatch(/^the server sent a malformed 'error' message: /);
    }
  });

  it("a message: every field a user reads has its type", () => {
    const good = testMessage(3, { reactions: { "👍": ["ann"] }, attachments: [{ id: "a1", name: "x.png", type: "image/png", size: 3 }] });
    expect(readMessage("message_updated", good)).toEqual(good);
    const bad: unknown[] = [
      null,
      "text",
      [],
      { id: "m1" },
      { ...good, to: 7 },
      { ...good, seq: "3" },
      { ...good, seq: Number.NaN },
      { ...good, deleted: "no" },
      { ...good, reactions: null },
      { ...good, reactions: { "👍": "ann" } },
      { ...good, attachments: undefined },
      { ...good, attachments: [null] },
    ];
    for (const frame of bad) expect(refusal(() => readMessage("message_updated", frame))).toBeInstanceOf(MalformedFrame);
  });

  it("an order: string id, kind, by and roomId, and typed optional fields; an unknown kind still passes", () => {
    const order = { id: "o1", kind: "task", by: "ann", roomId: "lobby", text: "count" };
    expect(readOrder("order", order)).toEqual(order);
    expect(readOrder("order", { ...order, kind: "dance" })).toMatchObject({ kind: "dance" });
    for (const bad of [null, "go", { ...order, id: 5 }, { ...order, kind: undefined }, { ...order, by: null }, { ...order, x: "far" }, { ...order, text: 1 }]) {
      expect(refusal(() => readOrder("order", bad))).toBeInstanceOf(MalformedFrame);
    }
  });
});
