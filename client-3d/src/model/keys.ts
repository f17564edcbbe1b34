/**
 * Held movement keys to a walking direction. Up is "away from the camera": the view's yaw turns
 * it into world x/z, so walking matches what you see whichever way the camera is orbited.
 */

const DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  KeyW: [0, 1],
  ArrowUp: [0, 1],
  KeyS: [0, -1],
  ArrowDown: [0, -1],
  KeyA: [-1, 0],
  ArrowLeft: [-1, 0],
  KeyD: [1, 0],
  ArrowRight: [1, 0],
};

export function isMoveKey(code: string): boolean {
  return code in DIRECTIONS;
}

/**
 * The held keys' direction in screen terms (right, up), normalised; [0, 0] when none or they cancel.
 * Writes into `out` so holding a key allocates nothing.
 */
export function keyDirection(held: ReadonlySet<string>, out: Float64Array): Float64Array {
  let right = 0;
  let up = 0;
  for (const code of held) {
    const d = DIRECTIONS[code];
    if (!d) continue;
    right += d[0];
    up += d[1];
  }
  right = Math.sign(right);
  up = Math.sign(up);
  const length = Math.hypot(right, up) || 1;
  out[0] = right / length;
  out[1] = up / length;
  return out;
}

/**
 * Screen (right, up) into world (x, z) for a view yawed by `yaw`: the angle of the camera's forward
 * direction on the floor, measured from +z toward +x (0: looking north, so up is +z and right +x).
 */
export function screenToWorld(right: number, up: number, yaw: number, out: Float64Array): Float64Array {
  const fx = Math.sin(yaw);
  const fz = Math.cos(yaw);
  // Right of forward on the floor (y up, looking along +z, right is +x).
  const rx = fz;
  const rz = -fx;
  out[0] = right * rx + up * fx;
  out[1] = right * rz + up * fz;
  return out;
}

/** Is the keyboard busy with text (chat composer, any field)? Then keys type, never walk. */
export function isTextTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== "string") return false;
  const element = target as HTMLElement;
  const tag = element.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || element.isContentEditable === true;
}
