import { describe, expect, it } from "vitest";
import { orderInput, simWithAgents } from "../testing.ts";

describe("arrivalSystem", () => {
  it("reports each agent of a group done in its own arrival tick, once", () => {
    const sim = simWithAgents({ near: [10, 10], far: [10, 0], there: [11, 10] });
    // Three agents: a 2×2 grid; slot 0 (10, 10) for `near`, which already stands there.
    sim.enqueue(orderInput("o1", ["near", "there", "far"], { kind: "move_to", x: 10.75, z: 10.75 }));
    const first = sim.step();
    expect(first.orders.map((u) => [u.agentId, u.status, u.x, u.z])).toEqual([
      ["near", "active", 10, 10],
      ["there", "active", 11.5, 10],
      ["far", "active", 10, 11.5],
      ["near", "done", 10, 10], // arrived within the very tick it was sent
    ]);
    const doneAt: Record<string, number> = {};
    for (let tick = 2; tick <= 100; tick++) {
      for (const u of sim.step().orders) {
        expect(u.status).toBe("done");
        expect(doneAt[u.agentId]).toBeUndefined();
        doneAt[u.agentId] = tick;
        expect(sim.view(u.agentId)).toMatchObject({ x: u.x, z: u.z, moving: false });
      }
    }
    expect(doneAt).toEqual({ there: 3, far: 58 }); // 0.5 / 0.2 and 11.5 / 0.2, rounded up
  });
});
