import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Client, getMessageBytes, Protocol, SchemaSerializer } from "@colyseus/core";
import { DEFAULT_ROOM_SIZE, type RoomData, type RoomState, ServerMessage } from "@mesh/schema";
import { createLogger, loadConfig, RoomRuntime, type RunningServer, type RuntimeServices, startServer } from "@mesh/server";
import { CountingSocket } from "../conversation/patch-world.ts";
import { percentile } from "../conversation/samples.ts";
import { progress, type BenchLine } from "../report.ts";
import { round } from "../stats.ts";
import type { BenchOptions } from "../suite.ts";

const AGENTS = 500;
/** move_to rounds alternate between these two points, so each round is a short, full walk. */
const POINTS: readonly [number, number][] = [
  [30, 32],
  [34, 32],
];
/** The follow chain is given afresh this often (ticks): each time 500 commands land in one tick. */
const CHAIN_EVERY = 30;
/** A move round that has not ended after this many ticks is a bug, not a slow walk. */
const MAX_WALK_TICKS = 2000;

type Services = RunningServer["services"];
type Actor = NonNullable<ReturnType<Services["gate"]["actor"]>>;

/**
 * One room as the server runs it, without sockets: a RoomRuntime (edge → world → outbox → state
 * sync) and, after each tick, the patch encoded for a socket per participant the way the Colyseus
 * room does (SchemaSerializer.applyPatches; nobody has DMs, so no StateViews). Orders to bots are
 * encoded as the transport would (one `order` frame per bot).
 */
class World {
  readonly runtime: RoomRuntime;
  readonly sockets: CountingSocket[];
  private readonly byId = new Map<string, CountingSocket>();
  private readonly serializer = new SchemaSerializer<RoomState>();
  notices = 0;

  constructor(services: RuntimeServices, room: RoomData, actors: readonly Actor[]) {
    this.runtime = new RoomRuntime(services, room, {
      notify: () => {
        this.notices++;
      },
      disconnect: () => {
        throw new Error("rooms.orders bench: nobody should be disconnected");
      },
      order: (participantId, order) => {
        const socket = this.byId.get(participantId);
        socket?.raw(getMessageBytes.raw(Protocol.ROOM_DATA, ServerMessage.Order, order));
        return socket ? 1 : 0;
      },
    });
    this.sockets = actors.map((actor) => new CountingSocket(actor.participant.id));
    for (const socket of this.sockets) this.byId.set(socket.participantId, socket);
    for (const actor of actors) this.runtime.arrive(actor);
    this.runtime.tick();
    this.serializer.reset(this.runtime.state);
    this.patch();
  }

  /** Feed inputs; returns the wall ns they took (the edge's checks and carrying them out). */
  input(inputs: readonly (readonly [participantId: string, type: string, payload: unknown])[]): number {
    if (inputs.length === 0) return 0;
    const start = process.hrtime.bigint();
    for (const [participantId, type, payload] of inputs) {
      const result = this.runtime.input(participantId, type, payload);
      if (!result.ok) throw new Error(`rooms.orders bench: ${type} from ${participantId} refused: ${result.error.message}`);
    }
    return Number(process.hrtime.bigint() - start);
  }

  /** One room tick as MeshRoom.step does it (no DMs here): runtime.tick(), sweep, encode the patch. */
  step(): { wallNs: number; cpuNs: number; tickNs: number; encodeNs: number } {
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    this.runtime.tick();
    this.runtime.sweepDirect();
    const ticked = process.hrtime.bigint();
    this.patch();
    const end = process.hrtime.bigint();
    const used = process.cpuUsage(cpu);
    return {
      wallNs: Number(end - start),
      cpuNs: (used.user + used.system) * 1000,
      tickNs: Number(ticked - start),
      encodeNs: Number(end - ticked),
    };
  }

  private patch(): void {
    // The stand-ins have every member applyPatches reads (state, view, raw).
    this.serializer.applyPatches(this.sockets as unknown as Client[], this.runtime.state);
  }

  /** Agents whose current order is in `status`. */
  count(status: string, kind?: string): number {
    let n = 0;
    for (const p of this.runtime.state.participants.values()) {
      if (p.order?.status === status && (kind === undefined || p.order.kind === kind)) n++;
    }
    return n;
  }
}

interface Samples {
  wall: number[];
  cpu: number[];
  tick: number[];
  encode: number[];
  /** The inputs fed to the room this tick (0 when none), and inputs + tick + encode. */
  input: number[];
  total: number[];
}
const samples = (): Samples => ({ wall: [], cpu: [], tick: [], encode: [], input: [], total: [] });

/**
 * A room's whole tick (runtime.tick + patch encoding) with 500 bots under orders, against rooms
 * without orders in the same run, round by round: each round ticks an idle room (baseline (a)),
 * the ordered room ((b) move_to in formation, (c) a 500-long follow chain) and a room whose bots
 * walk the same walks by plain `move` inputs ((d)), in a rotating order so drift and GC hit each
 * alike. Orders and moves go through runtime.input, so the edge's checks are measured too; the
 * input rate limit is raised so it is not what is measured. The plain room gets its moves one
 * round after the ordered room got its command (it needs the formation's points), so its phases
 * are the ordered room's of the round before.
 */
export const roomOrdersBench = async (options: BenchOptions): Promise<BenchLine[]> => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-orders-"));
  const loaded = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    MESH_DATA_DIR: dataDir,
    LOG_LEVEL: "silent",
    MESH_RATE_PER_S: "10000",
    MESH_RATE_BURST: "100000",
  });
  if (!loaded.ok) throw new Error(`rooms.orders bench: ${loaded.errors.join("; ")}`);
  const server = await startServer(loaded.value, createLogger("silent"));
  try {
    const { db, gate } = server.services;
    const services: RuntimeServices = server.services;
    const ownerId = "bench-owner";
    const agentIds = Array.from({ length: AGENTS }, (_, i) => `bench-agent-${i}`);
    const roomIds = ["bench-idle", "bench-orders", "bench-plain"];
    db.sqlite.transaction(() => {
      const created = db.users.create({ id: ownerId, username: ownerId, passwordHash: "-", kind: "human", role: "member" });
      if (!created.ok) throw new Error(created.error.message);
      for (const id of agentIds) {
        const bot = db.users.create({ id, username: id, passwordHash: "-", kind: "bot", role: "agent", ownerId });
        if (!bot.ok) throw new Error(bot.error.message);
      }
      for (const id of roomIds) {
        const room = { id, name: id, topic: "", private: false, exits: {}, createdBy: ownerId, createdAt: Date.now() };
        db.rooms.create({ ...room, width: DEFAULT_ROOM_SIZE, depth: DEFAULT_ROOM_SIZE });
      }
    })();
    const actors = [ownerId, ...agentIds].map((id) => {
      const actor = gate.actor(id);
      if (!actor) throw new Error(`rooms.orders bench: no actor '${id}'`);
      return actor;
    });
    const world = (id: string) => {
      const room = db.rooms.get(id);
      if (!room) throw new Error(`rooms.orders bench: no room '${id}'`);
      return new World(services, room, actors);
    };
    const [idle, orders, plain] = roomIds.map(world);

    const phases = {
      baseline: samples(),
      plain_move_tick: samples(),
      plain_walking: samples(),
      plain_arrival_tick: samples(),
      move_order_tick: samples(),
      move_walking: samples(),
      move_arrival_tick: samples(),
      follow_order_tick: samples(),
      follow_steady: samples(),
    };
    type Phase = keyof typeof phases;
    const plainPhase: Partial<Record<Phase, Phase>> = {
      move_order_tick: "plain_move_tick",
      move_walking: "plain_walking",
      move_arrival_tick: "plain_arrival_tick",
    };
    let measuring = false;
    let rotation = 0;
    type Inputs = [string, string, unknown][];
    /** Inputs for the ordered room this round, and how to name its tick once it has run. */
    let ordersInputs: Inputs = [];
    /** The plain room's inputs and phase for this round (from the ordered room's last round). */
    let plainInputs: Inputs = [];
    let plainNow: Phase | undefined;
    let plainNext: Phase | undefined;
    let plainNextInputs: Inputs = [];
    const record = (phase: Phase | undefined, inputNs: number, step: ReturnType<World["step"]>): void => {
      if (!measuring || phase === undefined) return;
      const s = phases[phase];
      s.wall.push(step.wallNs / 1e6);
      s.cpu.push(step.cpuNs / 1e6);
      s.tick.push(step.tickNs / 1e6);
      s.encode.push(step.encodeNs / 1e6);
      s.input.push(inputNs / 1e6);
      s.total.push((inputNs + step.wallNs) / 1e6);
    };

    /** One round: every room takes its inputs and ticks; returns the ordered room's phase. */
    const pairedRound = (name: (w: World) => Phase, after?: (w: World, phase: Phase) => void): Phase => {
      plainNow = plainNext;
      plainInputs = plainNextInputs;
      plainNext = undefined;
      plainNextInputs = [];
      let ordersPhase: Phase = "follow_steady";
      const runs: (() => void)[] = [
        () => record("baseline", 0, idle.step()),
        () => {
          const inputNs = orders.input(ordersInputs);
          ordersInputs = [];
          const step = orders.step();
          ordersPhase = name(orders);
          record(ordersPhase, inputNs, step);
          plainNext = plainPhase[ordersPhase];
          after?.(orders, ordersPhase);
        },
        () => {
          const inputNs = plain.input(plainInputs);
          record(plainNow, inputNs, plain.step());
        },
      ];
      rotation = (rotation + 1) % runs.length;
      for (let k = 0; k < runs.length; k++) runs[(rotation + k) % runs.length]();
      return ordersPhase;
    };

    /** (b) one move_to for all 500 from their owner, then walk until every one is done; (d) follows a round behind. */
    const moveRound = (r: number): void => {
      const [x, z] = POINTS[r % POINTS.length];
      ordersInputs = [[ownerId, "command", { agentIds, order: { kind: "move_to", x, z } }]];
      let done = 0;
      pairedRound(
        () => "move_order_tick",
        (w) => {
          const active = w.count("active", "move_to");
          if (active !== AGENTS) {
            const others = [...w.runtime.state.participants.values()]
              .filter((p) => p.kind === "bot" && p.order?.status !== "active")
              .map((p) => `${p.id}: ${p.order?.kind}/${p.order?.status} ${p.order?.note ?? ""}`);
            throw new Error(`rooms.orders bench: ${active} of ${AGENTS} move_to orders active; ${others.slice(0, 3).join("; ")} (${w.notices} errors sent)`);
          }
          // The plain room's bots walk to the very points the formation gave, by their own moves.
          for (const p of w.runtime.state.participants.values()) {
            if (p.order?.kind === "move_to") plainNextInputs.push([p.id, "move", { x: p.order.x, z: p.order.z }]);
          }
        },
      );
      let ticks = 0;
      while (done < AGENTS) {
        pairedRound((w) => {
          const now = w.count("done", "move_to");
          const phase: Phase = now > done ? "move_arrival_tick" : "move_walking";
          done = now;
          return phase;
        });
        if (++ticks > MAX_WALK_TICKS) throw new Error(`rooms.orders bench: only ${done} of ${AGENTS} arrived`);
      }
      // The plain room's last arrival tick (it runs a round behind).
      pairedRound(() => "follow_steady");
    };

    /** (c) agent i follows agent i-1 and agent 0 its owner: 500 commands in one tick, then steady ticks. */
    const chain: Inputs = agentIds.map((id, i) => [ownerId, "command", { agentIds: [id], order: { kind: "follow", targetId: i === 0 ? ownerId : agentIds[i - 1] } }]);
    const followPhase = (landings: number): void => {
      for (let l = 0; l < landings; l++) {
        ordersInputs = [...chain];
        pairedRound(
          () => "follow_order_tick",
          (w) => {
            const active = w.count("active", "follow");
            if (active !== AGENTS) throw new Error(`rooms.orders bench: ${active} of ${AGENTS} follow orders active`);
          },
        );
        for (let t = 1; t < CHAIN_EVERY; t++) pairedRound(() => "follow_steady");
      }
    };

    const moveRounds = options.quick ? 15 : 100;
    const chains = options.quick ? 15 : 100;
    progress(`rooms.orders: ${AGENTS} bots + owner in 3 RoomRuntimes, warm-up, then ${moveRounds} move_to rounds and ${chains} follow chains (${CHAIN_EVERY} ticks each)`);
    for (let r = 0; r < 4; r++) moveRound(r);
    followPhase(3);
    measuring = true;
    const started = performance.now();
    for (let r = 0; r < moveRounds; r++) moveRound(r);
    followPhase(chains);
    const seconds = (performance.now() - started) / 1000;
    for (const w of [idle, orders, plain]) {
      if (w.notices > 0) throw new Error(`rooms.orders bench: ${w.notices} errors were notified`);
      w.runtime.close();
    }

    const p = (phase: Phase, key: keyof Samples, q: number) => percentile(phases[phase][key], q);
    const ms = (v: number) => round(v);
    const line = (phase: Phase, note: string, against?: Phase): BenchLine => {
      const s = phases[phase];
      const out: BenchLine = {
        bench: "rooms.orders",
        phase,
        agents: AGENTS,
        ticks: s.wall.length,
        p50_ms: ms(p(phase, "wall", 50)),
        p99_ms: ms(p(phase, "wall", 99)),
        max_ms: ms(Math.max(...s.wall)),
        cpu_p99_ms: ms(p(phase, "cpu", 99)),
        tick_p50_ms: ms(p(phase, "tick", 50)),
        encode_p50_ms: ms(p(phase, "encode", 50)),
        p50_vs_baseline: round(p(phase, "wall", 50) / p("baseline", "wall", 50), 3),
        p99_vs_baseline: round(p(phase, "wall", 99) / p("baseline", "wall", 99), 3),
        target_p99_vs_baseline: 2,
        note,
      };
      if (Math.max(...s.input) > 0) {
        out.input_p50_ms = ms(p(phase, "input", 50));
        out.input_p99_ms = ms(p(phase, "input", 99));
        out.with_input_p50_ms = ms(p(phase, "total", 50));
        out.with_input_p99_ms = ms(p(phase, "total", 99));
        out.with_input_p99_vs_baseline = round(p(phase, "total", 99) / p("baseline", "wall", 99), 3);
      }
      if (against !== undefined) {
        out[`p99_vs_${against}`] = round(p(phase, "wall", 99) / p(against, "wall", 99), 3);
        if (phases[against].input.some((v) => v > 0) && out.with_input_p99_ms !== undefined) {
          out[`with_input_p99_vs_${against}`] = round(p(phase, "total", 99) / p(against, "total", 99), 3);
        }
      }
      return out;
    };
    const lines = [
      line("baseline", "(a) 500 idle bots + owner, no orders: runtime.tick + sweep + patch encode for 501 sockets"),
      line("plain_move_tick", "(d) the tick in which 500 plain `move` inputs (to the formation's points) land"),
      line("plain_walking", "(d) ticks while those 500 walk by plain moves"),
      line("plain_arrival_tick", "(d) the plain room's ticks paired with (b)'s arrival ticks"),
      line("move_order_tick", "(b) the tick in which one command move_to for 500 bots lands (input = edge checks + carry out)", "plain_move_tick"),
      line("move_walking", "(b) ticks while they walk, arrivals aside", "plain_walking"),
      line("move_arrival_tick", "(b) ticks in which bots arrive and their move_to turns done", "plain_arrival_tick"),
      line("follow_order_tick", "(c) the tick in which 500 follow commands land (bot i follows i-1), replacing the last chain", "plain_move_tick"),
      line("follow_steady", "(c) ticks of the follow chain", "plain_walking"),
    ];
    for (const l of lines) l.run_s = round(seconds, 3);
    return lines;
  } finally {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
};
