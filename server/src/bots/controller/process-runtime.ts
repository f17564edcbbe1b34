import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../logger.ts";
import { DEFAULT_RING, LogRing, type RingLimits } from "./log-ring.ts";
import { captureOutput } from "./output-capture.ts";
import { residentBytes } from "./resident-memory.ts";
import { afterExit, DEFAULT_RESTART, type RestartCounters, type RestartTimings } from "./restart-policy.ts";
import {
  type BotLaunch,
  type BotRunState,
  type BotRunStatus,
  type BotRuntime,
  LaunchRefused,
  type LogLine,
  PROGRAM_NAME,
} from "./types.ts";

export interface ProcessRuntimeOptions {
  /** Where `<program>.ts` files are. */
  programsDir: string;
  /** The bots' working folder: where `tsx` and the workspace packages resolve (the repository root). */
  cwd: string;
  /** Resident memory a bot may use; V8's heap gets three quarters of it. */
  memoryMb: number;
  restart?: Partial<RestartTimings>;
  /** How long a bot has after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
  /** How often each bot's resident memory is read. */
  memoryCheckMs?: number;
  ring?: Partial<RingLimits>;
  /** Output a bot may write per second before its pipes are paused. */
  outputBytesPerS?: number;
  log?: Logger;
}

/** The server's environment is not the bots': only these pass, besides the launch's own variables. */
const INHERITED_ENV = ["PATH", "HOME", "TMPDIR", "LANG", "TZ", "NODE_ENV"];
const PARENT_WATCH = new URL("./parent-watch.mjs", import.meta.url).href;

/** One bot: its ring outlives its processes, so a crash's last words stay readable. */
interface Run {
  launch: BotLaunch;
  file: string;
  ring: LogRing;
  state: BotRunState;
  /** False once stopped: an exit is then the end, not a crash. */
  wanted: boolean;
  restarts: number;
  counters: RestartCounters;
  child?: ChildProcess;
  exited?: Promise<void>;
  startedAt: number;
  lastExit?: BotRunStatus["lastExit"];
  nextStartAt?: number;
  detail?: string;
  restartTimer?: NodeJS.Timeout;
  memoryTimer?: NodeJS.Timeout;
}

/** One supervised child process per bot: restarts with backoff, crash-loop detection, a memory limit, bounded logs. */
export class ProcessRuntime implements BotRuntime {
  readonly kind = "process";
  private readonly runs = new Map<string, Run>();
  private readonly timings: RestartTimings;
  private readonly ringLimits: RingLimits;

  constructor(private readonly options: ProcessRuntimeOptions) {
    this.timings = { ...DEFAULT_RESTART, ...options.restart };
    this.ringLimits = { ...DEFAULT_RING, ...options.ring };
  }

  async start(launch: BotLaunch): Promise<void> {
    if (!PROGRAM_NAME.test(launch.program)) throw new LaunchRefused(`'${launch.program}' is not a program name`);
    const file = path.join(this.options.programsDir, `${launch.program}.ts`);
    if (!fs.existsSync(file)) throw new LaunchRefused(`there is no program '${launch.program}' in ${this.options.programsDir}`);
    const previous = this.runs.get(launch.botId);
    if (previous) await this.stop(launch.botId);
    const run: Run = {
      launch,
      file,
      ring: previous?.ring ?? new LogRing(this.ringLimits),
      state: "starting",
      wanted: true,
      restarts: 0,
      counters: { attempt: 0, quickExits: 0 },
      startedAt: Date.now(),
    };
    this.runs.set(launch.botId, run);
    run.ring.push("controller", `starting ${launch.program}`);
    this.spawn(run);
  }

  async stop(botId: string): Promise<void> {
    const run = this.runs.get(botId);
    if (!run) return;
    run.wanted = false;
    clearTimeout(run.restartTimer);
    run.nextStartAt = undefined;
    const { child, exited } = run;
    if (child && exited) {
      run.ring.push("controller", "stopping (SIGTERM)");
      killGroup(child, "SIGTERM");
      const grace = this.options.stopGraceMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), grace);
        }),
      ]);
      clearTimeout(timer);
      if (!inTime) {
        run.ring.push("controller", `still running ${grace} ms after SIGTERM: SIGKILL`);
        killGroup(child, "SIGKILL");
        await exited;
      }
    }
    if (run.state !== "stopped") run.ring.push("controller", "stopped");
    run.state = "stopped";
  }

  status(botId: string): BotRunStatus {
    const run = this.runs.get(botId);
    if (!run) return { state: "stopped", restarts: 0 };
    return {
      state: run.state,
      restarts: run.restarts,
      ...(run.child?.pid !== undefined && { pid: run.child.pid }),
      ...(run.lastExit && { lastExit: run.lastExit }),
      ...(run.nextStartAt !== undefined && { nextStartAt: run.nextStartAt }),
      ...(run.detail !== undefined && { detail: run.detail }),
    };
  }

  logs(botId: string, limit?: number): LogLine[] {
    return this.runs.get(botId)?.ring.lines(limit) ?? [];
  }

  async close(): Promise<void> {
    await Promise.all([...this.runs.keys()].map((botId) => this.stop(botId)));
  }

  private spawn(run: Run): void {
    const heapMb = Math.max(16, Math.floor((this.options.memoryMb * 3) / 4));
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, "--import", "tsx", "--import", PARENT_WATCH, run.file], {
      cwd: this.options.cwd,
      env: botEnv(run.launch.env),
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group: a stop or a kill reaches whatever the bot started too.
      detached: true,
    });
    run.child = child;
    run.state = "starting";
    run.startedAt = Date.now();
    run.nextStartAt = undefined;
    run.detail = undefined;
    const output = captureOutput(child.stdout, child.stderr, run.ring, {
      bytesPerS: this.options.outputBytesPerS ?? 256 * 1024,
      onThrottle: () => run.ring.push("controller", "writing faster than the log takes: output paused for a moment"),
    });
    run.exited = new Promise((resolve) => {
      let done = false;
      const finish = (code: number | null, signal: string | null) => {
        if (done) return;
        done = true;
        output.release();
        this.onExit(run, child, code, signal);
        resolve();
      };
      child.once("exit", finish);
      // A process that could not be started at all has no exit event.
      child.once("error", (error) => {
        if (child.pid !== undefined) return;
        run.detail = `could not start: ${error.message}`;
        finish(null, null);
      });
    });
    child.once("spawn", () => {
      if (run.child !== child) return;
      run.state = "running";
      run.ring.push("controller", `running as pid ${child.pid}`);
      this.watchMemory(run, child);
    });
  }

  private onExit(run: Run, child: ChildProcess, code: number | null, signal: string | null): void {
    if (run.child !== child) return;
    clearInterval(run.memoryTimer);
    run.child = undefined;
    const at = Date.now();
    run.lastExit = { code, signal, at };
    run.ring.push("controller", signal ? `killed by ${signal}` : `exited with code ${code}`, at);
    if (!run.wanted) {
      run.state = "stopped";
      return;
    }
    const next = afterExit(run.counters, at - run.startedAt, this.timings);
    run.counters = next.counters;
    if (next.kind === "crash_looping") {
      run.state = "crash_looping";
      run.detail = `exited ${next.counters.quickExits} times in a row within ${this.timings.crashWindowMs} ms of starting; not restarted until started again`;
      run.ring.push("controller", run.detail);
      this.options.log?.warn({ bot: run.launch.botId, program: run.launch.program }, "bot is crash looping");
      return;
    }
    run.state = "backoff";
    run.nextStartAt = at + next.delayMs;
    run.ring.push("controller", `restarting in ${next.delayMs} ms`);
    run.restartTimer = setTimeout(() => {
      if (!run.wanted || this.runs.get(run.launch.botId) !== run) return;
      run.restarts++;
      this.spawn(run);
    }, next.delayMs);
    run.restartTimer.unref();
  }

  /** V8's heap limit cannot see buffers and native memory: the resident set is what the machine pays. */
  private watchMemory(run: Run, child: ChildProcess): void {
    const limit = this.options.memoryMb * 1024 * 1024;
    let reading = false;
    run.memoryTimer = setInterval(async () => {
      const pid = child.pid;
      if (reading || pid === undefined || run.child !== child) return;
      reading = true;
      const bytes = await residentBytes(pid);
      reading = false;
      if (bytes === undefined || bytes <= limit || run.child !== child) return;
      run.detail = `killed at the memory limit: resident memory ${Math.round(bytes / 1024 / 1024)} MB is over ${this.options.memoryMb} MB`;
      run.ring.push("controller", run.detail);
      this.options.log?.warn({ bot: run.launch.botId, residentBytes: bytes }, "bot killed at its memory limit");
      killGroup(child, "SIGKILL");
    }, this.options.memoryCheckMs ?? 1000);
    run.memoryTimer.unref();
  }
}

function botEnv(launchEnv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...launchEnv };
}

/** The repository root: `tsx` and the workspace packages resolve from here. */
export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Signal the bot's whole process group (it was spawned detached, as its leader); the child alone if that fails. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) {
      process.kill(-child.pid, signal);
      return;
    }
  } catch {
    // the group is gone already, or was never one: fall back to the child itself
  }
  child.kill(signal);
}
