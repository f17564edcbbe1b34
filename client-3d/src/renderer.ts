import type { RoomInfo } from "@mesh/client-kit";

/**
 * What main.ts needs from a way of drawing the room: the 3D scene or the flat 2D fallback. Both
 * read the same AvatarModel and PulseRing; only drawing differs.
 */
export interface Renderer {
  readonly mode: "3d" | "2d";
  readonly canvas: HTMLCanvasElement;
  /** A new room: rebuild floor, walls and doorways. */
  setRoom(info: RoomInfo): void;
  /** Per-frame scene update after the model is interpolated (instance buffers, camera follow): counted in updateMs. */
  update(now: number, dtMs: number): void;
  /** Draw the frame (Babylon's render or the canvas drawing): not counted in updateMs. */
  render(): void;
  /** A world point to CSS pixels inside the canvas, into out[0], out[1]; false when behind the camera. */
  project(x: number, y: number, z: number, out: Float64Array): boolean;
  /** The floor point under a pointer (client coordinates), into out[0] = x, out[1] = z; false when off the floor plane. */
  pickFloor(clientX: number, clientY: number, out: Float64Array): boolean;
  /** The camera's yaw on the floor (0: looking north), so keys walk the way the view faces. */
  viewYaw(): number;
  dispose(): void;
}
