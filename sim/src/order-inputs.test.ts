import { DEFAULT_MAX_SPEED, TICK_MS } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { createSim } from "./sim.ts";
import { orderInput, simWithAgents } from "./testing.ts";
import type { OrderUpdate } from "./types.ts";

const STEP = (DEFAULT_MAX_SPEED * TICK_MS) / 1000; // 0.2 units per tick

const only = (updates: OrderUpdate[]) => updates.map((u) => [u.agentId, u.id, u.status]);

describe("order: move_to", () => {
  it("spreads a group over distinct points inside the room, even at a corner", () => {
    const names = Array.from({ length: 12 }, (_, i) => `b${i}`);
    const sim = simWithAgents(Object.fromEntries(names.map((n, i) => [n, [30 + i, 30]])));
    sim.enqueue(orderInput("o1", names, { kind: "move_to", x: 0, z: 64 }));
    const { orders } = sim.step();
    expect(orders.map((u) => u.agentId)).toEqual(names); // in the order listed
    expect(orders.every((u) => u.status === "active" && u.kind === "move_to")).toBe(true);
    expect(new Set(orders.map((u) => `${u.x},${u.z}`)).size).toBe(12);
    for (const u of orders) {
      expect(u.x).toBeGreaterThanOrEqual(0);
      expect(u.x).toBeLessThanOrEqual(64);
      expect(u.z).toBeGreaterThanOrEqual(0);
      expect(u.z).toBeLessThanOrEqual(64);
    }
    for (let i = 0; i < 400; i++) sim.step();
    const ends = names.map((n) => sim.view(n));
    expect(new Set(ends.map((v) => `${v?.x},${v?.z}`)).size).toBe(12);
    expect(ends.map((v) => [v?.x, v?.z])).toEqual(orders.map((u) => [u.x, u.z]));
  });

  it("is active at once and done in the tick the agent arrives", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot"], { kind: "move_to", x: 10, z: 12 }));
    const first = sim.step();
    expect(first.orders).toEqual([
      { agentId: "bot", id: "o1", kind: "move_to", status: "active", targetId: "", x: 10, z: 12, note: "" },
    ]);
    expect(sim.view("bot")?.moving).toBe(true);
    const ticks = Math.round(2 / STEP); // the first of them was the order's own tick
    for (let t = 2; t < ticks; t++) expect(sim.step().orders).toEqual([]);
    const arrival = sim.step();
    expect(only(arrival.orders)).toEqual([["bot", "o1", "done"]]);
    expect(sim.view("bot")).toMatchObject({ x: 10, z: 12, moving: false });
    expect(sim.order("bot")).toMatchObject({ id: "o1", status: "done" });
    expect(sim.step().orders).toEqual([]);
  });

  it("refuses absent participants and humans one by one and carries it out for the rest", () => {
    const sim = simWithAgents({ bot: [1, 1] });
    sim.enqueue({ kind: "join", participantId: "human", x: 2, z: 2 });
    sim.step();
    sim.enqueue(orderInput("o1", ["ghost", "bot", "human"], { kind: "move_to", x: 5, z: 5 }));
    const result = sim.step();
    expect(result.rejected.map((r) => r.error.code)).toEqual(["not_found", "forbidden"]);
    expect(result.rejected[0].error.message).toContain("ghost");
    expect(only(result.orders)).toEqual([["bot", "o1", "active"]]);
    expect(result.orders[0]).toMatchObject({ x: 5, z: 5 }); // alone, it goes exactly to the point
    expect(sim.order("human")).toBeUndefined();
    expect(sim.view("human")?.moving).toBe(false);
  });

  it("a bot's own move cancels the order it was walking", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot"], { kind: "move_to", x: 40, z: 10 }));
    sim.step();
    sim.enqueue({ kind: "move", participantId: "bot", x: 10, z: 20 });
    const result = sim.step();
    expect(result.orders).toEqual([
      expect.objectContaining({ id: "o1", status: "cancelled", note: "the agent walked elsewhere" }),
    ]);
    for (let i = 0; i < 100; i++) expect(sim.step().orders).toEqual([]); // and never reports done
    expect(sim.view("bot")).toMatchObject({ x: 10, z: 20, moving: false }); // where it chose, not x 40
  });
});

describe("order: stop, say, task and replacing", () => {
  it("a new order cancels a live one first, then starts", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot"], { kind: "move_to", x: 40, z: 10 }));
    sim.step();
    sim.enqueue(orderInput("o2", ["bot"], { kind: "move_to", x: 10, z: 40 }));
    const result = sim.step();
    expect(only(result.orders)).toEqual([
      ["bot", "o1", "cancelled"],
      ["bot", "o2", "active"],
    ]);
    expect(result.orders[0].note).toBe("replaced by a new order");
  });

  it("stop halts the walk and is done at once; a finished order is not cancelled again", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot"], { kind: "move_to", x: 40, z: 10 }));
    for (let i = 0; i < 5; i++) sim.step();
    sim.enqueue(orderInput("o2", ["bot"], { kind: "stop" }));
    const stopped = sim.step();
    expect(only(stopped.orders)).toEqual([
      ["bot", "o1", "cancelled"],
      ["bot", "o2", "done"],
    ]);
    const at = sim.view("bot");
    expect(at).toMatchObject({ moving: false });
    for (let i = 0; i < 20; i++) sim.step();
    expect(sim.view("bot")).toEqual(at);
    sim.enqueue(orderInput("o3", ["bot"], { kind: "say" }));
    expect(only(sim.step().orders)).toEqual([["bot", "o3", "done"]]);
  });

  it("a task stays pending until the bot reports it active, then done", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("t1", ["bot"], { kind: "task" }));
    expect(only(sim.step().orders)).toEqual([["bot", "t1", "pending"]]);
    for (let i = 0; i < 10; i++) expect(sim.step().orders).toEqual([]);
    expect(sim.order("bot")?.status).toBe("pending");
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t1", status: "active", note: "on it" });
    expect(sim.step().orders).toEqual([
      { agentId: "bot", id: "t1", kind: "task", status: "active", targetId: "", x: 0, z: 0, note: "on it" },
    ]);
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t1", status: "done", note: "built it" });
    expect(sim.step().orders).toMatchObject([{ id: "t1", status: "done", note: "built it" }]);
    expect(sim.order("bot")).toMatchObject({ id: "t1", status: "done", note: "built it" });
  });

  it("refuses a report on another order (not_found) and on a finished one (bad_input)", () => {
    const sim = simWithAgents({ bot: [10, 10], other: [1, 1] });
    sim.enqueue(orderInput("t1", ["bot"], { kind: "task" }));
    sim.step();
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t0", status: "done", note: "" });
    sim.enqueue({ kind: "order_status", participantId: "other", orderId: "t1", status: "done", note: "" });
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t1", status: "failed", note: "no wood" });
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t1", status: "active", note: "" });
    const result = sim.step();
    expect(result.rejected.map((r) => r.error.code)).toEqual(["not_found", "not_found", "bad_input"]);
    expect(only(result.orders)).toEqual([["bot", "t1", "failed"]]);
    expect(sim.order("bot")).toMatchObject({ status: "failed", note: "no wood" });
    // Cancelled is final too.
    sim.enqueue(orderInput("t2", ["bot"], { kind: "task" }));
    sim.enqueue(orderInput("t3", ["bot"], { kind: "task" }));
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "t2", status: "done", note: "" });
    expect(sim.step().rejected.map((r) => r.error.code)).toEqual(["not_found"]);
  });

  it("a bot reporting its move_to failed stops walking", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot"], { kind: "move_to", x: 40, z: 10 }));
    sim.step();
    sim.enqueue({ kind: "order_status", participantId: "bot", orderId: "o1", status: "failed", note: "blocked" });
    expect(only(sim.step().orders)).toEqual([["bot", "o1", "failed"]]);
    const at = sim.view("bot");
    expect(at?.moving).toBe(false);
    for (let i = 0; i < 10; i++) expect(sim.step().orders).toEqual([]);
    expect(sim.view("bot")?.x).toBe(at?.x);
  });

  it("refuses the same order twice for one agent, and an order after the agent left", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("o1", ["bot", "bot"], { kind: "move_to", x: 20, z: 10 }));
    const result = sim.step();
    expect(only(result.orders)).toEqual([["bot", "o1", "active"]]);
    expect(result.rejected.map((r) => r.error.code)).toEqual(["conflict"]);
    sim.enqueue({ kind: "leave", participantId: "bot" });
    sim.enqueue(orderInput("o2", ["bot"], { kind: "stop" }));
    const left = sim.step();
    expect(left.rejected.map((r) => r.error.code)).toEqual(["not_found"]);
    expect(left.orders).toEqual([]); // the leaver's order goes with it, unreported
    expect(sim.order("bot")).toBeUndefined();
  });

  it("a rejoining bot stays an agent; a recycled entity id does not inherit an order", () => {
    const sim = simWithAgents({ bot: [10, 10] });
    sim.enqueue(orderInput("t1", ["bot"], { kind: "task" }));
    sim.enqueue({ kind: "leave", participantId: "bot" });
    sim.step();
    sim.enqueue({ kind: "join", participantId: "newcomer", x: 1, z: 1, agent: true });
    sim.step();
    expect(sim.order("newcomer")).toBeUndefined();
    expect(createSim({ roomId: "x" }).order("nobody")).toBeUndefined();
  });
});
