/** The room simulation: a bitECS world per room, stepped at a fixed TICK_MS, deterministic. */
export { createSim, type Sim } from "./sim.ts";
export { replay } from "./replay.ts";
export { pipeline } from "./pipeline.ts";
export { createSimWorld } from "./world.ts";
export { createContext, DEFAULT_CAPACITY, pairKey, type OrderLabel, type SimContext, type System } from "./context.ts";
export { createComponents, type Components } from "./components.ts";
export { spawnParticipant, despawnParticipant } from "./entities.ts";
export { inputSystem } from "./systems/input.ts";
export { movementSystem, ARRIVE_EPSILON } from "./systems/movement.ts";
export { followSystem } from "./systems/follow.ts";
export { arrivalSystem } from "./systems/arrival.ts";
export { typingSystem } from "./systems/typing.ts";
export { muteSystem } from "./systems/mute.ts";
export { messageSystem } from "./systems/message.ts";
export { presenceSystem } from "./systems/presence.ts";
export type {
  AmendInput,
  AppendedMessage,
  MessageChange,
  OrderInput,
  OrderStatusInput,
  OrderUpdate,
  SimOrder,
  EntitySnapshot,
  InputLog,
  EntityView,
  SayInput,
  SimInput,
  SimOptions,
  SimSnapshot,
  TickResult,
} from "./types.ts";
