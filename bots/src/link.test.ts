import { describe, expect, it } from "vitest";
import { FakeRoom } from "./fake-room.ts";
import { type LinkEvents, RESUME_FAILED, type ReconnectOptions, RoomLink } from "./link.ts";

function harness(options?: ReconnectOptions | false) {
  const room = new FakeRoom();
  const events: string[] = [];
  const recorder: LinkEvents = {
    drop: (code) => events.push(`drop ${code}`),
    resume: () => events.push("resume"),
    close: (code, reason) => events.push(`close ${code} ${reason ?? ""}`.trim()),
  };
  const link = new RoomLink(room, recorder, options);
  return { room, link, events };
}

describe("RoomLink", () => {
  it("turns Colyseus reconnection on with no minimum uptime, or off when asked", () => {
    const on = harness({ maxRetries: 3 });
    expect(on.room.reconnection).toMatchObject({ enabled: true, maxRetries: 3, minUptime: 0, maxDelay: 5000 });
    expect(harness(false).room.reconnection.enabled).toBe(false);
  });

  it("reports a drop once however many attempts fail, and resumes only once the full state is in", () => {
    const { room, link, events } = harness();
    room.fire("drop", 1006);
    room.fire("drop", 1006);
    expect(link.state).toBe("reconnecting");
    room.fire("reconnect");
    expect(link.state).toBe("reconnecting");
    link.stateApplied();
    expect(link.state).toBe("open");
    link.stateApplied();
    expect(events).toEqual(["drop 1006", "resume"]);
  });

  it("holds actions while down and sends them in order when back, keeping only the latest move", () => {
    const { room, link } = harness();
    room.fire("drop", 1006);
    link.send("move", { x: 1, z: 1 });
    link.send("add_reaction", { messageId: "m1", emoji: "👍" });
    link.send("move", { x: 2, z: 2 });
    link.send("edit_message", { messageId: "m1", text: "fixed" });
    expect(room.sent).toEqual([]);
    room.fire("reconnect");
    link.stateApplied();
    expect(room.sent).toEqual([
      ["add_reaction", { messageId: "m1", emoji: "👍" }],
      ["move", { x: 2, z: 2 }],
      ["edit_message", { messageId: "m1", text: "fixed" }],
    ]);
  });

  it("passes a deliberate server close through with its code and never resumes after it", () => {
    const { room, link, events } = harness();
    room.fire("leave", 4006, "banned");
    expect(link.state).toBe("closed");
    link.send("move", { x: 1, z: 1 });
    room.fire("drop", 1006);
    expect(room.sent).toEqual([]);
    expect(events).toEqual(["close 4006 banned"]);
  });

  it("reports a resume the server refused as 1006 with the server's reason", () => {
    const { room, link, events } = harness();
    room.fire("drop", 1006);
    room.fire("error", 403, "banned from this room until tomorrow");
    room.fire("leave", 4003, "");
    expect(link.state).toBe("closed");
    expect(events).toEqual(["drop 1006", `close ${RESUME_FAILED} reconnection failed: banned from this room until tomorrow (403)`]);
  });

  it("leaving while down reports the leave now and closes a reconnection that still succeeds", async () => {
    const { room, link, events } = harness();
    room.fire("drop", 1006);
    await link.leave();
    expect(events).toEqual(["drop 1006", "close 4000 left while reconnecting"]);
    expect(room.reconnection.maxRetries).toBe(0);
    room.fire("reconnect");
    expect(room.leaves).toBe(1);
    expect(events).toHaveLength(2);
  });
});
