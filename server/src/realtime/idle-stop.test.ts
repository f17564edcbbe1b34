import { Clock } from "@colyseus/core";
import { describe, expect, it } from "vitest";
import { IdleStop, MAX_RESERVATION_WAITS } from "./idle-stop.ts";

/** A room as the idle policy sees it, on a clock this test ticks by hand (idle time 0: one tick a check). */
function fakeRoom() {
  const room = { clock: new Clock(), occupied: false, storing: false, seats: 0, stopped: 0 };
  const idle = new IdleStop(
    {
      clock: room.clock,
      occupied: () => room.occupied,
      storing: () => room.storing,
      reservedSeats: () => room.seats,
      stop: () => room.stopped++,
    },
    0,
  );
  const checks = (n: number) => {
    for (let i = 0; i < n; i++) room.clock.tick();
  };
  return { room, idle, checks };
}

describe("when an empty room stops", () => {
  it("stops an empty room once the wait is over, and only once", () => {
    const { room, idle, checks } = fakeRoom();
    idle.arm();
    checks(3);
    expect(room.stopped).toBe(1);
  });

  it("never stops a room someone is in", () => {
    const { room, idle, checks } = fakeRoom();
    room.occupied = true;
    idle.arm();
    checks(5);
    expect(room.stopped).toBe(0);
  });

  it("waits as long as a REST send is being stored", () => {
    const { room, idle, checks } = fakeRoom();
    room.storing = true;
    idle.arm();
    checks(20);
    expect(room.stopped).toBe(0);
    room.storing = false;
    checks(2);
    expect(room.stopped).toBe(1);
  });

  it(`waits ${MAX_RESERVATION_WAITS} periods for reserved seats, then stops even if they are never used`, () => {
    const { room, idle, checks } = fakeRoom();
    room.seats = 1;
    idle.arm();
    checks(MAX_RESERVATION_WAITS);
    expect(room.stopped).toBe(0);
    checks(2);
    expect(room.stopped).toBe(1);
  });

  it("counts reservations afresh after someone really joined", () => {
    const { room, idle, checks } = fakeRoom();
    room.seats = 1;
    idle.arm();
    checks(MAX_RESERVATION_WAITS);
    idle.cancel(); // a join
    idle.arm(); // and the leave
    checks(MAX_RESERVATION_WAITS);
    expect(room.stopped).toBe(0);
    checks(2);
    expect(room.stopped).toBe(1);
  });
});
