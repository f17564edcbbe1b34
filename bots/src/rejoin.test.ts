import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeRoom } from "./fake-room.ts";
import { type LinkEvents, RoomLink } from "./link.ts";
import { PendingSends } from "./pending.ts";
import { Rejoin } from "./rejoin.ts";

/** What the restarted server says to a resume: it no longer knows the seat. */
const SEAT_EXPIRED = [524, "seat reservation expired."] as const;
const refusal = (code: number, message: string) => Object.assign(new Error(message), { code });

/**
 * A RoomLink over a FakeRoom with a Rejoin behind its `refused`, wired as MeshRoom wires them;
 * `answers` says how each join attempt ends, in order (a FakeRoom, or a refusal to throw).
 */
function harness(answers: (FakeRoom | Error)[], retries = { maxRetries: 4, minDelay: 100, maxDelay: 250 }) {
  const first = new FakeRoom();
  const events: string[] = [];
  const opened: FakeRoom[] = [];
  let attempts = 0;
  const pending = new PendingSends("me", (payload) => link.send("send_message", payload), () => {});
  const recorder: LinkEvents = {
    drop: (code) => {
      events.push(`drop ${code}`);
      pending.pause();
    },
    resume: () => {
      events.push("resume");
      pending.resume();
    },
    close: (code, reason) => {
      events.push(`close ${code} ${reason ?? ""}`.trim());
      pending.close(`closed ${code}`);
    },
    refused: (code, message) => rejoin.start(code, message),
  };
  const link = new RoomLink(first, recorder, retries);
  const rejoin = new Rejoin<FakeRoom>(
    {
      open: async () => {
        attempts++;
        const answer = answers.shift() ?? refusal(0, "fetch failed");
        if (answer instanceof Error) throw answer;
        opened.push(answer);
        return answer;
      },
      closed: () => link.state === "closed",
      attach: (room) => link.attach(room),
      fail: (code, reason) => link.fail(code, reason),
      discard: (room) => void room.leave(),
    },
    () => link.retries,
  );
  /** The resume is refused the way Colyseus reports it: an error, then the close. */
  const refuseResume = (code: number, message: string) => {
    first.fire("error", code, message);
    first.fire("leave", 4003, "");
  };
  return { first, link, pending, events, opened, attempts: () => attempts, refuseResume };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Rejoin after the server forgot the seat", () => {
  it("joins again at once; the new connection resumes once its state is in: one drop, one resume, pending sends again with their nonces", async () => {
    const second = new FakeRoom();
    const h = harness([second]);
    void h.pending.submit({ text: "a", nonce: "a" });
    h.first.fire("drop", 1006);
    void h.pending.submit({ text: "b", nonce: "b" });
    h.link.send("move", { x: 1, z: 1 });
    h.first.fire("drop", 1006); // a failed resume attempt while the server was down
    h.refuseResume(...SEAT_EXPIRED);
    expect(h.link.state).toBe("reconnecting");
    await vi.waitFor(() => expect(h.opened).toEqual([second]));
    expect(h.link.state).toBe("reconnecting");
    h.link.stateApplied();
    expect(h.link.state).toBe("open");
    expect(h.events).toEqual(["drop 1006", "resume"]);
    expect(second.sent).toEqual([
      ["send_message", { text: "a", nonce: "a" }],
      ["send_message", { text: "b", nonce: "b" }],
      ["move", { x: 1, z: 1 }],
    ]);
    // The new connection is the link's: its drops are reported, the old one's late events are not.
    h.first.fire("leave", 4006, "banned");
    expect(h.link.state).toBe("open");
    second.fire("drop", 1006);
    expect(h.events).toEqual(["drop 1006", "resume", "drop 1006"]);
  });

  it("retries a server still starting with the resume's backoff, then gives up and closes as a failed resume", async () => {
    vi.useFakeTimers();
    const h = harness([refusal(0, "fetch failed"), refusal(503, "room is being opened")]);
    void h.pending.submit({ text: "a", nonce: "a" });
    h.first.fire("drop", 1006);
    h.refuseResume(...SEAT_EXPIRED);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(h.attempts()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.attempts()).toBe(2); // after minDelay
    await vi.advanceTimersByTimeAsync(200);
    expect(h.attempts()).toBe(3); // doubled
    expect(h.link.state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(250);
    expect(h.attempts()).toBe(4); // capped at maxDelay; the fourth and last try
    expect(h.link.state).toBe("closed");
    expect(h.events).toEqual(["drop 1006", "close 1006 reconnection failed: fetch failed"]);
    expect(h.pending.size).toBe(0);
  });

  it("closes with the refusal's code and reason when joining again is refused for good (a ban while the server was down)", async () => {
    const h = harness([refusal(403, "banned from this room until 12:00")]);
    h.first.fire("drop", 1006);
    h.refuseResume(...SEAT_EXPIRED);
    await vi.waitFor(() => expect(h.link.state).toBe("closed"));
    expect(h.attempts()).toBe(1);
    expect(h.events).toEqual(["drop 1006", "close 403 banned from this room until 12:00"]);
  });

  it("closes at once, without joining again, when the resume itself was refused for good", () => {
    const h = harness([new FakeRoom()]);
    h.first.fire("drop", 1006);
    h.refuseResume(525, "invalid, expired or revoked token: log in again");
    expect(h.attempts()).toBe(0);
    expect(h.events).toEqual(["drop 1006", "close 525 invalid, expired or revoked token: log in again"]);
  });

  it("does not join again when the retries ran out with no answer (the server never came back)", () => {
    const h = harness([new FakeRoom()]);
    h.first.fire("drop", 1006);
    h.first.fire("leave", 4003, "No more retries. Reconnection failed.");
    expect(h.attempts()).toBe(0);
    expect(h.events).toEqual(["drop 1006", "close 1006 reconnection failed: No more retries. Reconnection failed."]);
  });

  it("leaving while it joins again closes now and leaves the connection that opens afterwards", async () => {
    vi.useFakeTimers();
    const late = new FakeRoom();
    const h = harness([refusal(0, "fetch failed"), late]);
    h.first.fire("drop", 1006);
    h.refuseResume(...SEAT_EXPIRED);
    await vi.advanceTimersByTimeAsync(0);
    await h.link.leave();
    expect(h.events).toEqual(["drop 1006", "close 4000 left while reconnecting"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.attempts()).toBe(1); // no try after the leave
    expect(late.leaves).toBe(0);
  });

  it("a connection that opens after a leave is left at once", async () => {
    let opened!: (room: FakeRoom) => void;
    const room = new FakeRoom();
    const left: FakeRoom[] = [];
    let closed = false;
    const rejoin = new Rejoin<FakeRoom>(
      {
        open: () => new Promise((resolve) => (opened = resolve)),
        closed: () => closed,
        attach: () => expect.fail("attached after the leave"),
        fail: () => expect.fail("failed after the leave"),
        discard: (r) => left.push(r),
      },
      () => ({ maxRetries: 3, minDelay: 10, maxDelay: 10 }),
    );
    rejoin.start(...SEAT_EXPIRED);
    closed = true;
    opened(room);
    await vi.waitFor(() => expect(left).toEqual([room]));
  });
});
