/**
 * Hit testing on the units' screen positions (x, y per slot, filled by the scene each frame):
 * which unit is under a click, which are inside a dragged box. Pure, allocation-light.
 */

/** The live slot nearest to (px, py) within `radius` px, or -1. */
export function unitAt(screen: Float32Array, dense: Int32Array, count: number, px: number, py: number, radius: number): number {
  let best = -1;
  let bestDist = radius * radius;
  for (let i = 0; i < count; i++) {
    const slot = dense[i];
    const dx = screen[slot * 2] - px;
    const dy = screen[slot * 2 + 1] - py;
    const d = dx * dx + dy * dy;
    if (d <= bestDist) {
      bestDist = d;
      best = slot;
    }
  }
  return best;
}

/** The live slots whose screen point lies in the box between two corners (any order). */
export function unitsInBox(screen: Float32Array, dense: Int32Array, count: number, ax: number, ay: number, bx: number, by: number): number[] {
  const x0 = Math.min(ax, bx);
  const x1 = Math.max(ax, bx);
  const y0 = Math.min(ay, by);
  const y1 = Math.max(ay, by);
  const inside: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = dense[i];
    const x = screen[slot * 2];
    const y = screen[slot * 2 + 1];
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) inside.push(slot);
  }
  return inside;
}

/** A press that moved less than this (px) is a click, not a drag. */
export const CLICK_SLOP = 5;

export function isDrag(ax: number, ay: number, bx: number, by: number): boolean {
  return Math.abs(bx - ax) > CLICK_SLOP || Math.abs(by - ay) > CLICK_SLOP;
}
