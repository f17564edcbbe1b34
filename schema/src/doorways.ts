/**
 * Where a room's exits are on its floor, so every client draws them in the same place and the
 * server puts an arriving participant at the doorway they came through. The floor runs from
 * (0, 0) to (width, depth); north is the far wall (z = depth), east the right one (x = width).
 * Up and down are pads on the floor, a quarter of the way in from opposite corners.
 */

export const EXIT_DIRECTIONS = ["north", "south", "east", "west", "up", "down"] as const;
export type ExitDirection = (typeof EXIT_DIRECTIONS)[number];

/** How close to a doorway's point (world units) a walker must come for the exit to take them. */
export const DOORWAY_RADIUS = 1.6;
/** How far inside the doorway an arriving participant appears: outside its radius, so they do not bounce straight back. */
const ENTRANCE_INSET = 3.5;

const OPPOSITE: Record<ExitDirection, ExitDirection> = { north: "south", south: "north", east: "west", west: "east", up: "down", down: "up" };

export function isExitDirection(value: unknown): value is ExitDirection {
  return typeof value === "string" && (EXIT_DIRECTIONS as readonly string[]).includes(value);
}

/** Leaving by the north exit, you enter the next room by its south doorway. */
export function oppositeExit(direction: ExitDirection): ExitDirection {
  return OPPOSITE[direction];
}

/** The doorway's point: the middle of its wall, or the pad for up and down. */
export function doorwayPoint(direction: ExitDirection, width: number, depth: number): { x: number; z: number } {
  switch (direction) {
    case "north":
      return { x: width / 2, z: depth };
    case "south":
      return { x: width / 2, z: 0 };
    case "east":
      return { x: width, z: depth / 2 };
    case "west":
      return { x: 0, z: depth / 2 };
    case "up":
      return { x: width * 0.75, z: depth * 0.75 };
    case "down":
      return { x: width * 0.25, z: depth * 0.25 };
  }
}

/** Where someone who came in through this doorway stands: a few steps inside, toward the middle. */
export function entrancePoint(direction: ExitDirection, width: number, depth: number): { x: number; z: number } {
  const door = doorwayPoint(direction, width, depth);
  const dx = width / 2 - door.x;
  const dz = depth / 2 - door.z;
  const length = Math.hypot(dx, dz) || 1;
  const inset = Math.min(ENTRANCE_INSET, length);
  return { x: door.x + (dx / length) * inset, z: door.z + (dz / length) * inset };
}

/** The exit (of those the room has) whose doorway this point is in, if any. */
export function exitAt(x: number, z: number, exits: Partial<Record<string, string>>, width: number, depth: number): ExitDirection | undefined {
  for (const direction of EXIT_DIRECTIONS) {
    if (!exits[direction]) continue;
    const door = doorwayPoint(direction, width, depth);
    if (Math.hypot(door.x - x, door.z - z) <= DOORWAY_RADIUS) return direction;
  }
  return undefined;
}
