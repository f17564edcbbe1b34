import type { Participant } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { FINISHED_SHOWN_MS, inFlight, markerShown, OrderBoard, OrderCode } from "./orders.ts";

const withOrder = (order: Record<string, unknown> | undefined) => ({ id: "b1", order }) as unknown as Participant;

describe("OrderBoard", () => {
  it("reads a unit's order and notices only real changes", () => {
    const board = new OrderBoard(() => 0);
    expect(board.read(3, withOrder({ id: "o1", kind: "move_to", status: "pending", x: 4, z: 5, targetId: "", note: "" }), 10)).toBe(true);
    expect(board.codes[3]).toBe(OrderCode.pending);
    expect([board.targets[6], board.targets[7]]).toEqual([4, 5]);
    expect(board.read(3, withOrder({ id: "o1", kind: "move_to", status: "pending", x: 4, z: 5, targetId: "", note: "" }), 20)).toBe(false);
    board.read(3, withOrder({ id: "o1", kind: "move_to", status: "done", x: 4, z: 5, targetId: "", note: "arrived" }), 30);
    expect(board.codes[3]).toBe(OrderCode.done);
    expect(board.since[3]).toBe(30);
    expect(board.notes[3]).toBe("arrived");
  });

  it("treats a never-commanded unit (no order id) as no order, and grows for any slot", () => {
    const board = new OrderBoard(() => 0);
    board.read(200, withOrder({ id: "", kind: "", status: "", x: 0, z: 0, targetId: "", note: "" }));
    expect(board.codes[200]).toBe(OrderCode.none);
    board.read(201, withOrder(undefined));
    expect(board.codes[201]).toBe(OrderCode.none);
  });

  it("shows lines while under way and the done/failed mark only for a moment", () => {
    expect(inFlight(OrderCode.active)).toBe(true);
    expect(inFlight(OrderCode.done)).toBe(false);
    expect(markerShown(OrderCode.done, 1000, 1000 + FINISHED_SHOWN_MS - 1)).toBe(true);
    expect(markerShown(OrderCode.failed, 1000, 1000 + FINISHED_SHOWN_MS + 1)).toBe(false);
    expect(markerShown(OrderCode.cancelled, 1000, 1001)).toBe(false);
  });
});
