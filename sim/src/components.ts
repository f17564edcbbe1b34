/**
 * Components as structure-of-arrays typed arrays, created per world: several rooms share
 * one process and bitecs entity ids are per world, so module-level arrays would collide.
 * Every array has `capacity + 1` slots because bitecs entity ids start at 1.
 */
export const createComponents = (capacity: number) => {
  const n = capacity + 1;
  return {
    /** World position in room units; y is up (always 0 on a flat floor for now). */
    Position: { x: new Float32Array(n), y: new Float32Array(n), z: new Float32Array(n) },
    /** The last tick's displacement in units per second, so clients can extrapolate. */
    Velocity: { x: new Float32Array(n), z: new Float32Array(n) },
    /** Facing in radians, atan2(dx, dz): 0 looks along +z. Kept when the entity stops. */
    Heading: { yaw: new Float32Array(n) },
    /** Where a `move` asked the entity to walk; `active` is 1 until it arrives. */
    Target: { x: new Float32Array(n), z: new Float32Array(n), active: new Uint8Array(n) },
    /** 1 while connected; a `leave` sets 0 and the presence system removes the entity. */
    Presence: { online: new Uint8Array(n) },
    /** Always present; toggled by a flag rather than added/removed because it flips often. */
    Typing: { on: new Uint8Array(n), expiresAtTick: new Float64Array(n) },
    /** Present only while muted (rare, so a structural change is cheap and the query small). */
    Muted: { untilTick: new Float64Array(n) },
    /** Marks a bot (a join with `agent: true`): only agents take orders. `kind` is reserved for bot flavours. */
    Agent: { kind: new Uint8Array(n) },
    /**
     * An agent's current or last order, from its first order on: kept when the order ends, so a
     * new order is a few writes rather than a change of bitecs queries (the order systems skip
     * ended ones). `kind`/`status` index ORDER_KINDS/ORDER_STATUSES; x/z: a move_to's point;
     * targetEid/distance: a follow's leader and gap. Id, leader id and note: `ctx.orderLabels`.
     */
    Order: {
      kind: new Uint8Array(n),
      status: new Uint8Array(n),
      x: new Float32Array(n),
      z: new Float32Array(n),
      targetEid: new Uint32Array(n),
      distance: new Float32Array(n),
    },
  };
};

export type Components = ReturnType<typeof createComponents>;
