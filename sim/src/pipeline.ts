import type { System } from "./context.ts";
import { arrivalSystem } from "./systems/arrival.ts";
import { followSystem } from "./systems/follow.ts";
import { inputSystem } from "./systems/input.ts";
import { messageSystem } from "./systems/message.ts";
import { movementSystem } from "./systems/movement.ts";
import { muteSystem } from "./systems/mute.ts";
import { presenceSystem } from "./systems/presence.ts";
import { typingSystem } from "./systems/typing.ts";

/** The tick, in order. Every room runs exactly this list once per 50 ms step. */
export const pipeline: readonly System[] = [
  // First: everything below must see this tick's joins, moves, typing, mutes and orders.
  inputSystem,
  // After inputs (a follow given or ended this tick counts), before movement (the new target takes this tick's step).
  followSystem,
  // After inputs, so a move issued this tick already takes its first step.
  movementSystem,
  // After movement, so a move_to is reported done in the very tick its agent arrives.
  arrivalSystem,
  // After inputs, so a typing renewal in this tick keeps the indicator on.
  typingSystem,
  // After inputs, so a fresh mute counts from this tick and an unmute is not undone.
  muteSystem,
  // After inputs (which buffer the says); order within the tick is arrival order.
  messageSystem,
  // Last: a participant leaving this tick still had its says numbered and its inputs applied.
  presenceSystem,
];
