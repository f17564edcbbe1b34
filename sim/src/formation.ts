import { clampTo } from "./bounds.ts";

/** Neighbours in a group's formation stand this far apart (units), room permitting. */
export const FORMATION_SPACING = 1.5;

/** A centred square grid of slots: slot i is column i % cols, row floor(i / cols). */
export interface Formation {
  readonly cols: number;
  /** The first slot's point and the gap between columns / rows. */
  readonly x0: number;
  readonly z0: number;
  readonly dx: number;
  readonly dz: number;
  readonly width: number;
  readonly depth: number;
}

/**
 * Where `count` agents sent to (x, z) stand: a square grid centred on the point, one agent
 * exactly on it. Near a wall the grid shifts inward (and in a room too small for it, squeezes)
 * rather than clamping slots onto each other, so every agent gets its own point in the room.
 */
export const formation = (count: number, x: number, z: number, width: number, depth: number): Formation => {
  const cols = Math.max(1, Math.ceil(Math.sqrt(count)));
  const rows = Math.max(1, Math.ceil(count / cols));
  const dx = cols > 1 ? Math.min(FORMATION_SPACING, width / (cols - 1)) : 0;
  const dz = rows > 1 ? Math.min(FORMATION_SPACING, depth / (rows - 1)) : 0;
  const halfX = ((cols - 1) * dx) / 2;
  const halfZ = ((rows - 1) * dz) / 2;
  const cx = Math.min(Math.max(clampTo(x, width), halfX), width - halfX);
  const cz = Math.min(Math.max(clampTo(z, depth), halfZ), depth - halfZ);
  return { cols, x0: cx - halfX, z0: cz - halfZ, dx, dz, width, depth };
};

export const slotX = (f: Formation, i: number): number => clampTo(f.x0 + (i % f.cols) * f.dx, f.width);
export const slotZ = (f: Formation, i: number): number => clampTo(f.z0 + Math.floor(i / f.cols) * f.dz, f.depth);
