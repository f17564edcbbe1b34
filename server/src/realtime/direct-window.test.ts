import { ArraySchema } from "@colyseus/schema";
import type { Message, MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { DirectWindow } from "./direct-window.ts";

let n = 0;
const dm = (from: string, to: string, text = `dm ${++n}`): MessageData => ({
  id: `m${++n}`,
  roomId: "r",
  seq: n,
  authorId: from,
  authorName: from,
  text,
  threadId: "",
  to,
  ts: n,
  editedTs: 0,
  deleted: false,
  trust: "local",
  nonce: "",
  reactions: {},
  attachments: [],
  pinned: false,
  locked: false,
});
const texts = (messages: readonly Message[]) => messages.map((m) => m.text);

describe("DirectWindow", () => {
  it("shows a DM once in state, to whichever of its two participants is present", () => {
    const direct = new ArraySchema<Message>();
    const window = new DirectWindow(direct, 3);
    window.open("ann", []);
    const changes = window.append(dm("ann", "ben", "hello"));
    expect(changes.map((c) => [c.participantId, texts(c.add), texts(c.remove)])).toEqual([["ann", ["hello"], []]]);
    window.open("ben", [dm("ben", "ann", "older")]);
    const both = window.append(dm("ben", "ann", "both here"));
    expect(both.map((c) => c.participantId)).toEqual(["ben", "ann"]);
    expect(both[0].add[0]).toBe(both[1].add[0]); // one instance, two views
    expect(direct.length).toBe(3);
  });

  it("keeps each participant's latest `limit`, dropping from the array only what nobody holds", () => {
    const direct = new ArraySchema<Message>();
    const window = new DirectWindow(direct, 2);
    window.open("ann", []);
    window.open("ben", []);
    window.open("cy", []);
    window.append(dm("ann", "ben", "a1"));
    window.append(dm("ann", "cy", "a2"));
    const third = window.append(dm("ann", "cy", "a3"));
    // Ann held a1, a2: a1 leaves her window; Ben still holds it, so it stays in the array.
    expect(third.find((c) => c.participantId === "ann")?.remove.map((m) => m.text)).toEqual(["a1"]);
    expect(texts(window.holding("ann"))).toEqual(["a2", "a3"]);
    expect(texts([...direct])).toEqual(["a1", "a2", "a3"]);
    window.close("ben");
    // Released, but still in the state until swept (after the views have let go of it).
    expect(texts([...direct])).toEqual(["a1", "a2", "a3"]);
    window.sweep();
    expect(texts([...direct])).toEqual(["a2", "a3"]);
    window.close("ann");
    window.close("cy");
    window.sweep();
    expect(direct.length).toBe(0);
  });

  it("bounds each participant's window in bytes too, keeping at least the newest", () => {
    const direct = new ArraySchema<Message>();
    const window = new DirectWindow(direct, 100, 10);
    window.open("ann", []);
    window.append(dm("ben", "ann", "12345"));
    window.append(dm("ben", "ann", "67890"));
    expect(texts(window.holding("ann"))).toEqual(["12345", "67890"]);
    window.append(dm("ben", "ann", "x"));
    expect(texts(window.holding("ann"))).toEqual(["67890", "x"]);
    window.append(dm("ben", "ann", "a very long one"));
    expect(texts(window.holding("ann"))).toEqual(["a very long one"]);
  });

  it("an edit that lengthens a DM trims the window again, newest kept", () => {
    const direct = new ArraySchema<Message>();
    const window = new DirectWindow(direct, 100, 10);
    window.open("ann", []);
    const first = dm("ben", "ann", "ab");
    window.append(first);
    const second = dm("ben", "ann", "cd");
    window.append(second);
    // The edited DM is now the older and too long: it leaves the window, the newer one stays.
    const grown = window.update({ ...first, text: "now far too long" });
    expect(grown.map((c) => [c.participantId, texts(c.remove)])).toEqual([["ann", ["now far too long"]]]);
    expect(texts(window.holding("ann"))).toEqual(["cd"]);
    expect(window.update({ ...second, text: "grown long" })).toEqual([]); // alone, it may fill the window
    expect(texts(window.holding("ann"))).toEqual(["grown long"]);
  });
});
