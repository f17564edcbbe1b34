/** Closest and farthest zoom, in screen pixels per metre. */
export const MIN_SCALE = 2;
export const MAX_SCALE = 120;
/** Space left around the room when it is fitted to the view (px). */
const FIT_PAD = 36;

/**
 * The view onto the floor: a centre (world x, z), a scale (px per metre) and the view's size.
 * North (+z) is up the screen. Pure math: the scene, input, minimap and the test hook all convert
 * through it, so they agree on where every point is.
 */
export class Camera {
  cx = 0;
  cz = 0;
  scale = 10;
  width = 1;
  height = 1;
  /** Screen px on the right that a fitted room keeps clear when there is room to spare (the minimap). */
  reserveRight = 0;
  /** Bumped on every change, so layers redraw only when the view moved. */
  version = 0;
  private roomWidth = 1;
  private roomDepth = 1;

  setRoom(width: number, depth: number): void {
    this.roomWidth = width;
    this.roomDepth = depth;
    this.fit();
  }

  resize(width: number, height: number): boolean {
    if (width === this.width && height === this.height) return false;
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.version++;
    return true;
  }

  /** The whole room in view, centred (start, Home, 0). */
  fit(): void {
    const sx = (this.width - FIT_PAD * 2) / this.roomWidth;
    const sz = (this.height - FIT_PAD * 2) / this.roomDepth;
    this.scale = clamp(Math.min(sx, sz), MIN_SCALE, MAX_SCALE);
    this.cx = this.roomWidth / 2;
    this.cz = this.roomDepth / 2;
    // Where the width has slack, the room sits left of the minimap instead of under it.
    const spare = this.width - this.roomWidth * this.scale - FIT_PAD * 2;
    if (this.reserveRight > 0 && spare > 0) this.cx += Math.min(spare, this.reserveRight) / 2 / this.scale;
    this.version++;
  }

  screenX(x: number): number {
    return this.width / 2 + (x - this.cx) * this.scale;
  }

  screenY(z: number): number {
    return this.height / 2 - (z - this.cz) * this.scale;
  }

  worldX(sx: number): number {
    return this.cx + (sx - this.width / 2) / this.scale;
  }

  worldZ(sy: number): number {
    return this.cz - (sy - this.height / 2) / this.scale;
  }

  /** Moves the view by a drag of (dx, dy) screen px: the floor follows the pointer. */
  pan(dx: number, dy: number): void {
    this.centre(this.cx - dx / this.scale, this.cz + dy / this.scale);
  }

  /** Centres the view on a floor point (kept over the room). */
  centre(x: number, z: number): void {
    this.cx = clamp(x, 0, this.roomWidth);
    this.cz = clamp(z, 0, this.roomDepth);
    this.version++;
  }

  /** Zooms by `factor` keeping the floor point under (sx, sy) where it is: toward the cursor. */
  zoomAt(sx: number, sy: number, factor: number): void {
    const x = this.worldX(sx);
    const z = this.worldZ(sy);
    this.scale = clamp(this.scale * factor, MIN_SCALE, MAX_SCALE);
    this.cx = clamp(x - (sx - this.width / 2) / this.scale, 0, this.roomWidth);
    this.cz = clamp(z + (sy - this.height / 2) / this.scale, 0, this.roomDepth);
    this.version++;
  }

  /** The floor rectangle in view: [left x, bottom z, right x, top z]. */
  viewRect(out: Float64Array): Float64Array {
    out[0] = this.worldX(0);
    out[1] = this.worldZ(this.height);
    out[2] = this.worldX(this.width);
    out[3] = this.worldZ(0);
    return out;
  }
}

export function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
