import { createSim, type Sim } from "./sim.ts";
import type { OrderInput, SayInput, SimOptions, SimOrder } from "./types.ts";

/** A say input with test defaults; only for tests. */
export const sayInput = (participantId: string, nonce: string, text = "hi"): SayInput => ({
  kind: "say",
  participantId,
  id: `m-${participantId}-${nonce}-${text}`,
  authorName: participantId,
  text,
  threadId: "",
  to: "",
  nonce,
  trust: "local",
  ts: 1_700_000_000_000,
  attachments: [],
});

/** An order from `by` to `agents`; only for tests. */
export const orderInput = (orderId: string, agents: string[], order: SimOrder, by = "boss"): OrderInput => ({
  kind: "order",
  participantId: by,
  orderId,
  agents,
  order,
});

/** A world with the listed bots (agents) standing at their points, after one step; only for tests. */
export const simWithAgents = (
  agents: Record<string, [number, number]>,
  options: Partial<SimOptions> = {},
): Sim => {
  const sim = createSim({ roomId: "orders", ...options });
  for (const [participantId, [x, z]] of Object.entries(agents)) {
    sim.enqueue({ kind: "join", participantId, x, z, agent: true });
  }
  sim.step();
  return sim;
};
