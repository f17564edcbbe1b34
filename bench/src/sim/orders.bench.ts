import { createSim, type Sim, type TickResult } from "@mesh/sim";
import { DEFAULT_FOLLOW_DISTANCE, DEFAULT_ROOM_SIZE } from "@mesh/schema";
import { build, type Histogram } from "hdr-histogram-js";
import { progress, type BenchLine } from "../report.ts";
import { lcg, round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";

const AGENTS = 500;
const HUMANS = 5;
/** Every tick each human walks somewhere new with this chance, in every world alike. */
const HUMAN_MOVE_CHANCE = 0.1;
/** move_to rounds alternate between these two points, so each round is a short, full walk. */
const POINTS: readonly [number, number][] = [
  [30, 32],
  [34, 32],
];
/** The follow chain is given afresh this often (ticks): each time 500 orders land in one tick. */
const CHAIN_EVERY = 200;

const agentId = (i: number) => `a${i}`;
const humanId = (i: number) => `h${i}`;

/**
 * Each phase keeps wall time (what a room waits for) and the process's CPU time in the step
 * (what it costs; unlike wall time it is not inflated when a shared machine runs something else).
 */
interface Timing {
  wall: Histogram;
  cpu: Histogram;
}
const newTiming = (): Timing => {
  const histogram = () =>
    build({ lowestDiscernibleValue: 1, highestTrackableValue: 10_000_000_000, numberOfSignificantValueDigits: 3 });
  return { wall: histogram(), cpu: histogram() };
};

/** One world: 500 bots and a few humans at the same seeded places. */
const populate = (roomId: string): Sim => {
  const rand = lcg(500);
  const sim = createSim({ roomId });
  for (let i = 0; i < AGENTS; i++) {
    sim.enqueue({ kind: "join", participantId: agentId(i), x: rand() * DEFAULT_ROOM_SIZE, z: rand() * DEFAULT_ROOM_SIZE, agent: true });
  }
  for (let i = 0; i < HUMANS; i++) {
    sim.enqueue({ kind: "join", participantId: humanId(i), x: rand() * DEFAULT_ROOM_SIZE, z: rand() * DEFAULT_ROOM_SIZE });
  }
  sim.step();
  if (sim.entityCount() !== AGENTS + HUMANS) throw new Error(`orders bench: only ${sim.entityCount()} joined`);
  return sim;
};

/** One step, with its wall and CPU nanoseconds. */
const timed = (sim: Sim): { result: TickResult; wallNs: number; cpuNs: number } => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const result = sim.step();
  const wallNs = Number(process.hrtime.bigint() - start);
  const used = process.cpuUsage(cpu);
  return { result, wallNs, cpuNs: Math.max(1, (used.user + used.system) * 1000) };
};

/**
 * World tick latency with 500 bots under orders, against worlds without orders in the same run,
 * tick by tick: every measured tick of the ordered world ("busy") is paired with a tick of an
 * identical world that never gets an order ("idle", the baseline (a)) and, in the move_to
 * rounds, of one whose bots walk the very same walks by plain `move` inputs ("plain"), so the
 * orders' own cost shows apart from the cost of walking. All three get the same human moves.
 */
export const ordersBench = (options: BenchOptions): BenchLine[] => {
  const idle = populate("bench-orders-idle");
  const plain = populate("bench-orders-plain");
  const busy = populate("bench-orders-busy");
  const rand = lcg(77);
  const histograms = {
    baseline: newTiming(),
    plain_move_tick: newTiming(),
    plain_walking: newTiming(),
    move_order_tick: newTiming(),
    move_walking: newTiming(),
    move_arrival_tick: newTiming(),
    plain_arrival_tick: newTiming(),
    follow_order_tick: newTiming(),
    follow_steady: newTiming(),
  };
  type Phase = keyof typeof histograms;
  /** The busy world's phase for this tick, and the plain world's (none: not measured). */
  type Phases = readonly [busy: Phase, plain?: Phase];
  let measuring = false;
  const record = (phase: Phase | undefined, step: ReturnType<typeof timed>): void => {
    if (!measuring || phase === undefined) return;
    histograms[phase].wall.recordValue(step.wallNs);
    histograms[phase].cpu.recordValue(step.cpuNs);
  };
  /**
   * One paired tick: the same human moves into every world; the busy world steps first, its
   * result may name the phases (an arrival tick) and feed the plain world (the formation's
   * points), then the plain and the idle world step.
   */
  const pairedTick = (phases: Phases | ((result: TickResult) => Phases), then?: (result: TickResult) => void): TickResult => {
    for (let h = 0; h < HUMANS; h++) {
      if (rand() >= HUMAN_MOVE_CHANCE) continue;
      const move = { kind: "move", participantId: humanId(h), x: rand() * DEFAULT_ROOM_SIZE, z: rand() * DEFAULT_ROOM_SIZE } as const;
      idle.enqueue(move);
      plain.enqueue(move);
      busy.enqueue(move);
    }
    const stepped = timed(busy);
    const [busyPhase, plainPhase] = typeof phases === "function" ? phases(stepped.result) : phases;
    record(busyPhase, stepped);
    then?.(stepped.result);
    record(plainPhase, timed(plain));
    record("baseline", timed(idle));
    return stepped.result;
  };
  const all = Array.from({ length: AGENTS }, (_, i) => agentId(i));
  let orderSeq = 0;

  /** (b) every bot gets one move_to in formation, then walks until the last one arrives. */
  const moveRound = (round: number): number => {
    const [x, z] = POINTS[round % POINTS.length];
    busy.enqueue({ kind: "order", participantId: humanId(0), orderId: `m${++orderSeq}`, agents: all, order: { kind: "move_to", x, z } });
    let arrived = 0;
    const count = (result: TickResult) => {
      for (const update of result.orders) if (update.status === "done") arrived++;
    };
    count(
      pairedTick(["move_order_tick", "plain_move_tick"], (result) => {
        // The plain world's bots walk to the very points the formation gave, by their own moves.
        for (const u of result.orders) {
          if (u.status === "active") plain.enqueue({ kind: "move", participantId: u.agentId, x: u.x, z: u.z });
        }
      }),
    );
    let ticks = 0;
    while (arrived < AGENTS) {
      // Equal walks end together: the tick in which agents arrive (and report done) is its own phase.
      const arrival = (result: TickResult): Phases =>
        result.orders.length > 0 ? ["move_arrival_tick", "plain_arrival_tick"] : ["move_walking", "plain_walking"];
      count(pairedTick(arrival));
      if (++ticks > 2000) throw new Error(`orders bench: only ${arrived} of ${AGENTS} arrived`);
    }
    return ticks;
  };

  /** (c) agent i follows agent i-1, agent 0 follows a human: 500 follow orders in one tick. */
  const giveChain = (): void => {
    for (let i = 0; i < AGENTS; i++) {
      const targetId = i === 0 ? humanId(0) : agentId(i - 1);
      busy.enqueue({
        kind: "order",
        participantId: humanId(1),
        orderId: `f${++orderSeq}`,
        agents: [agentId(i)],
        order: { kind: "follow", targetId, distance: DEFAULT_FOLLOW_DISTANCE },
      });
    }
    const result = pairedTick(["follow_order_tick"]);
    const active = result.orders.filter((u) => u.kind === "follow" && u.status === "active").length;
    if (active !== AGENTS) throw new Error(`orders bench: ${active} of ${AGENTS} follow orders active`);
  };
  const followPhase = (ticks: number): void => {
    for (let t = 0; t < ticks; t++) {
      if (t % CHAIN_EVERY === 0) giveChain();
      else pairedTick(["follow_steady"]);
    }
  };

  const rounds = options.quick ? 20 : 100;
  const followTicks = options.quick ? 1000 : 4000;
  progress(`orders: ${AGENTS} agents + ${HUMANS} humans, warm-up, then ${rounds} move_to rounds and ${followTicks} follow ticks`);
  for (let r = 0; r < 6; r++) moveRound(r);
  followPhase(2 * CHAIN_EVERY);
  measuring = true;
  let walkTicks = 0;
  for (let r = 0; r < rounds; r++) walkTicks += moveRound(r);
  followPhase(followTicks);

  const ms = (ns: number) => round(ns / 1e6);
  const p99 = (phase: Phase, kind: keyof Timing) => histograms[phase][kind].getValueAtPercentile(99);
  const line = (phase: Phase, note: string, against?: Phase): BenchLine => {
    const { wall, cpu } = histograms[phase];
    const out: BenchLine = {
      bench: "orders",
      phase,
      agents: AGENTS,
      humans: HUMANS,
      ticks: wall.totalCount,
      p50_ms: ms(wall.getValueAtPercentile(50)),
      p99_ms: ms(p99(phase, "wall")),
      max_ms: ms(wall.maxValue),
      cpu_p50_ms: ms(cpu.getValueAtPercentile(50)),
      cpu_p99_ms: ms(p99(phase, "cpu")),
      p99_vs_baseline: round(p99(phase, "wall") / p99("baseline", "wall"), 3),
      cpu_p99_vs_baseline: round(p99(phase, "cpu") / p99("baseline", "cpu"), 3),
      target_p99_vs_baseline: 2,
      note,
    };
    if (against !== undefined) {
      out[`p99_vs_${against}`] = round(p99(phase, "wall") / p99(against, "wall"), 3);
      out[`cpu_p99_vs_${against}`] = round(p99(phase, "cpu") / p99(against, "cpu"), 3);
    }
    return out;
  };
  const lines = [
    line("baseline", "(a) no orders, nobody but the humans walking; paired tick by tick with every phase below"),
    line("plain_move_tick", "the tick in which 500 bots get plain moves to the formation's points (no orders)"),
    line("plain_walking", "ticks while those 500 walk by plain moves"),
    line("plain_arrival_tick", "the plain world's ticks paired with the busy world's arrival ticks"),
    line("move_order_tick", "(b) the tick in which 500 agents get one move_to in formation", "plain_move_tick"),
    line("move_walking", "(b) ticks while they walk, arrivals aside", "plain_walking"),
    line("move_arrival_tick", "(b) ticks in which agents arrive and their move_to is reported done", "plain_arrival_tick"),
    line("follow_order_tick", "(c) the tick in which 500 follow orders land (agent i follows i-1), cancelling the last chain", "plain_move_tick"),
    line("follow_steady", "(c) ticks of the follow chain, every follower re-targeted each tick", "plain_walking"),
  ];
  for (const l of lines) if (l.phase === "move_walking") l.mean_walk_ticks = round(walkTicks / rounds, 3);
  for (const { wall, cpu } of Object.values(histograms)) {
    wall.destroy();
    cpu.destroy();
  }
  return lines;
};
