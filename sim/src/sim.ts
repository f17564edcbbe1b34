import { hasComponent } from "bitecs";
import { emptyResult, pairKey } from "./context.ts";
import { orderUpdate } from "./orders.ts";
import { pipeline } from "./pipeline.ts";
import { rewindTick } from "./seq.ts";
import { restoreSnapshot, takeSnapshot } from "./snapshot.ts";
import { createSimWorld } from "./world.ts";
import type {
  InputLog,
  EntityView,
  OrderUpdate,
  SimInput,
  SimOptions,
  SimSnapshot,
  TickResult,
} from "./types.ts";

/** One room's simulation: queue inputs, step at TICK_MS, read state. */
export interface Sim {
  readonly roomId: string;
  /** The last tick computed (0 before the first step). */
  readonly tick: number;
  /** Highest room message seq assigned so far. */
  readonly lastSeq: number;
  /** The inputs applied so far, when created with `record: true`. */
  readonly log: InputLog | undefined;
  /** Queued; applied in order at the start of the next step. */
  enqueue(input: SimInput): void;
  /** Runs the pipeline once with dt = TICK_MS. */
  step(): TickResult;
  /**
   * Un-number the last step's messages because storing them failed: keeps room and pair seqs
   * gap-free and lets their authors resend with the same nonces. Recorded in the log.
   */
  rewindTick(): void;
  /** Highest seq of a DM pair as far as the world knows (0: none yet). */
  pairSeq(a: string, b: string): number;
  has(participantId: string): boolean;
  view(participantId: string): EntityView | undefined;
  /** An agent's current or last order (undefined: absent, or never ordered), e.g. to sync state after a restart. */
  order(participantId: string): OrderUpdate | undefined;
  participants(): IterableIterator<string>;
  entityCount(): number;
  snapshot(): SimSnapshot;
  /** Snapshot now and start the recorded log afresh from here: bounds a long-running log. */
  checkpoint(): SimSnapshot;
}

export function createSim(options: SimOptions, snapshot?: SimSnapshot): Sim {
  const { world, ctx } = createSimWorld(options);
  if (snapshot !== undefined) restoreSnapshot(world, ctx, snapshot);
  const log: InputLog | undefined = options.record ? [] : undefined;
  let queue: SimInput[] = [];
  const { Position, Heading, Target, Typing, Muted } = ctx.components;

  const step = (): TickResult => {
    ctx.tick += 1;
    ctx.inputs = queue;
    queue = [];
    if (log !== undefined && ctx.inputs.length > 0) {
      log.push({ tick: ctx.tick, inputs: ctx.inputs.map((input) => ({ ...input })) });
    }
    ctx.says.length = 0;
    ctx.joined.clear();
    ctx.left.clear();
    ctx.result = emptyResult(ctx.tick);
    for (const system of pipeline) system(world, ctx);
    ctx.inputs = [];
    return ctx.result;
  };

  return {
    roomId: ctx.roomId,
    get tick() {
      return ctx.tick;
    },
    get lastSeq() {
      return ctx.lastSeq;
    },
    log,
    enqueue: (input) => {
      queue.push(input);
    },
    step,
    rewindTick: () => {
      rewindTick(ctx);
      if (log === undefined) return;
      const last = log[log.length - 1];
      if (last !== undefined && last.tick === ctx.tick) last.rewound = true;
      else log.push({ tick: ctx.tick, inputs: [], rewound: true });
    },
    pairSeq: (a, b) => ctx.pairSeqs.get(pairKey(a, b)) ?? 0,
    has: (participantId) => ctx.eidOf.has(participantId),
    view: (participantId) => {
      const eid = ctx.eidOf.get(participantId);
      if (eid === undefined) return undefined;
      return {
        x: Position.x[eid],
        y: Position.y[eid],
        z: Position.z[eid],
        heading: Heading.yaw[eid],
        typing: Typing.on[eid] === 1,
        muted: hasComponent(world, eid, Muted),
        moving: Target.active[eid] === 1,
      };
    },
    order: (participantId) => {
      const eid = ctx.eidOf.get(participantId);
      return eid === undefined ? undefined : orderUpdate(ctx, eid);
    },
    participants: () => ctx.eidOf.keys(),
    entityCount: () => ctx.eidOf.size,
    snapshot: () => takeSnapshot(world, ctx),
    checkpoint: () => {
      const snapshot = takeSnapshot(world, ctx);
      if (log !== undefined) log.length = 0;
      return snapshot;
    },
  };
}
