import { createWorld, type World } from "bitecs";
import { createContext, type SimContext } from "./context.ts";
import type { SimOptions } from "./types.ts";

/** A bare world and its context, for driving systems directly (benchmarks, system tests). */
export const createSimWorld = (options: SimOptions): { world: World; ctx: SimContext } => ({
  world: createWorld(),
  ctx: createContext(options),
});
