import { DOORWAY_RADIUS, doorwayPoint, EXIT_DIRECTIONS, type ExitDirection } from "@mesh/schema";

/** How wide a doorway's gap in the wall is drawn: a little wider than where it takes you. */
export const DOOR_GAP = DOORWAY_RADIUS * 2.5;

export interface ExitView {
  direction: ExitDirection;
  target: string;
  x: number;
  z: number;
  /** up/down are pads on the floor, the others gaps in a wall. */
  pad: boolean;
}

/** The room's exits as both renderers draw them, in a fixed order. */
export function exitViews(exits: Partial<Record<string, string>>, width: number, depth: number): ExitView[] {
  const views: ExitView[] = [];
  for (const direction of EXIT_DIRECTIONS) {
    const target = exits[direction];
    if (!target) continue;
    const p = doorwayPoint(direction, width, depth);
    views.push({ direction, target, x: p.x, z: p.z, pad: direction === "up" || direction === "down" });
  }
  return views;
}

/** A wall's solid spans along its length [0, length], leaving a gap around each door position. */
export function wallSpans(length: number, doors: readonly number[]): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  let start = 0;
  for (const door of [...doors].sort((a, b) => a - b)) {
    const a = Math.max(0, door - DOOR_GAP / 2);
    const b = Math.min(length, door + DOOR_GAP / 2);
    if (a > start) spans.push([start, a]);
    start = Math.max(start, b);
  }
  if (start < length) spans.push([start, length]);
  return spans;
}
