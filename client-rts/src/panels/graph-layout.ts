/** A room as the graph needs it: its id and where its exits lead (direction → room id). */
export interface GraphRoom {
  id: string;
  exits: Readonly<Record<string, string>>;
}

export interface GraphNode {
  id: string;
  /** Grid cell, from 0: column left to right, row top to bottom. */
  col: number;
  row: number;
}

export interface GraphLayout {
  nodes: GraphNode[];
  /** Each exit once (a two-way pair is one edge), between rooms both on the graph. */
  edges: { from: string; to: string }[];
  cols: number;
  rows: number;
}

/** North is up, east is right; up and down lean to the corners so they do not hide north and south. */
const STEP: Record<string, readonly [number, number]> = {
  north: [0, -1],
  south: [0, 1],
  east: [1, 0],
  west: [-1, 0],
  up: [1, -1],
  down: [-1, 1],
};

/** The free cell nearest to (col, row), rings outwards (so a crowded spot still gets a place beside it). */
function nearestFree(taken: Set<string>, col: number, row: number): [number, number] {
  for (let r = 0; ; r++) {
    for (let dy = -r; dy <= r; dy++) {
      for (let dx = -r; dx <= r; dx++) {
        if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
        if (!taken.has(`${col + dx},${row + dy}`)) return [col + dx, row + dy];
      }
    }
  }
}

/**
 * Places rooms on a grid by their exits: a breadth-first walk from `startId` puts each room one
 * step from the room it was reached from, in the exit's direction (or the nearest free cell).
 * Rooms not reachable from there start walks of their own, to the right of what is placed.
 */
export function layoutRooms(rooms: readonly GraphRoom[], startId: string): GraphLayout {
  const byId = new Map(rooms.map((room) => [room.id, room]));
  const place = new Map<string, [number, number]>();
  const taken = new Set<string>();
  const put = (id: string, col: number, row: number) => {
    const cell = nearestFree(taken, col, row);
    place.set(id, cell);
    taken.add(`${cell[0]},${cell[1]}`);
  };
  const walk = (rootId: string, col: number, row: number) => {
    put(rootId, col, row);
    const queue = [rootId];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      const [c, r] = place.get(id) as [number, number];
      for (const [direction, to] of Object.entries(byId.get(id)?.exits ?? {})) {
        if (!byId.has(to) || place.has(to)) continue;
        const [dx, dy] = STEP[direction] ?? [1, 1];
        put(to, c + dx, r + dy);
        queue.push(to);
      }
    }
  };
  const roots = byId.has(startId) ? [startId, ...byId.keys()] : [...byId.keys()];
  for (const id of roots) {
    if (place.has(id)) continue;
    const right = place.size === 0 ? 0 : Math.max(...[...place.values()].map(([c]) => c)) + 1;
    walk(id, right, 0);
  }
  // Shift so the top-left cell is (0, 0).
  const cells = [...place.values()];
  const minCol = Math.min(0, ...cells.map(([c]) => c));
  const minRow = Math.min(0, ...cells.map(([, r]) => r));
  const nodes: GraphNode[] = [...place].map(([id, [c, r]]) => ({ id, col: c - minCol, row: r - minRow }));
  nodes.sort((a, b) => a.row - b.row || a.col - b.col);
  const edges: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (const room of rooms) {
    for (const to of Object.values(room.exits)) {
      if (!byId.has(to) || to === room.id) continue;
      const key = room.id < to ? `${room.id}\n${to}` : `${to}\n${room.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: room.id, to });
    }
  }
  return {
    nodes,
    edges,
    cols: nodes.length ? Math.max(...nodes.map((n) => n.col)) + 1 : 0,
    rows: nodes.length ? Math.max(...nodes.map((n) => n.row)) + 1 : 0,
  };
}
