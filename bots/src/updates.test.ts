import type { MessageData } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { testMessage } from "./test-messages.ts";
import { MessageUpdates } from "./updates.ts";

function harness() {
  let lastSeq = 5;
  const emitted: string[] = [];
  const updates = new MessageUpdates(
    (m) => m.seq <= lastSeq,
    (m) => emitted.push(`${m.id}:${m.text}`),
  );
  return {
    updates,
    emitted,
    deliverUpTo(seq: number) {
      lastSeq = seq;
    },
  };
}

const edited = (seq: number, text: string): MessageData => ({ ...testMessage(seq), text, editedTs: 100 });

describe("MessageUpdates", () => {
  it("passes on a change to a delivered message at once", () => {
    const h = harness();
    h.updates.receive(edited(3, "fixed"));
    expect(h.emitted).toEqual(["m3:fixed"]);
  });

  it("holds a change to a message not yet delivered until right after it, and only if the copy delivered lacks it", () => {
    const h = harness();
    h.updates.receive(edited(7, "fixed"));
    h.updates.receive(edited(8, "also fixed"));
    expect(h.emitted).toEqual([]);
    h.deliverUpTo(8);
    h.updates.released(testMessage(7)); // delivered from a window that had not caught up yet
    h.updates.released(edited(8, "also fixed")); // delivered already showing the change
    expect(h.emitted).toEqual(["m7:fixed"]);
  });

  it("shows the newest version of a window message until the next patch carries it", () => {
    const h = harness();
    h.updates.receive(edited(3, "fixed"));
    expect(h.updates.latest(testMessage(3)).text).toBe("fixed");
    h.updates.stateApplied();
    expect(h.updates.latest(testMessage(3)).text).toBe("text 3");
  });

  it("reports messages of the window that changed during a drop", () => {
    const h = harness();
    h.updates.remember([testMessage(1), testMessage(2), testMessage(3)]);
    h.updates.reconcile([testMessage(2), { ...testMessage(3), reactions: { "👍": ["bob"] } }, testMessage(4)]);
    expect(h.emitted).toEqual(["m3:text 3"]);
    h.updates.reconcile([edited(2, "later")]);
    expect(h.emitted).toHaveLength(1);
  });
});
