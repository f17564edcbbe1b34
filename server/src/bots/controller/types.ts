/** What a runtime needs to run one bot: its id, name, reference program and environment (MESH_URL, MESH_TOKEN, MESH_ROOM). */
export interface BotLaunch {
  botId: string;
  name: string;
  program: string;
  env: Record<string, string>;
}

/**
 * stopped: not running (never started, or stopped). starting: launched, not yet up. running: up.
 * backoff: exited, waiting to be restarted. crash_looping: exited too often right after starting,
 * no more restarts until started again. failed: could not be run (see `detail`).
 */
export type BotRunState = "stopped" | "starting" | "running" | "backoff" | "crash_looping" | "failed";

export interface BotRunStatus {
  state: BotRunState;
  /** Restarts since the last start. */
  restarts: number;
  pid?: number;
  lastExit?: { code: number | null; signal: string | null; at: number };
  /** When a bot in backoff is started again (ms epoch). */
  nextStartAt?: number;
  /** Why it is in this state, in words (an API error, a memory kill, a pod's waiting reason). */
  detail?: string;
}

export interface LogLine {
  at: number;
  /** The bot's own output, or what the controller did to it and why. */
  stream: "stdout" | "stderr" | "controller";
  text: string;
}

/** Runs bots somewhere (child processes, Kubernetes pods); never throws for a bot that fails to run. */
export interface BotRuntime {
  readonly kind: "process" | "kubernetes";
  /** Starts (or restarts) the bot. Rejects only with `LaunchRefused` (a launch that can never work). */
  start(launch: BotLaunch): Promise<void>;
  stop(botId: string): Promise<void>;
  status(botId: string): BotRunStatus;
  /** The newest `limit` lines, oldest first. */
  logs(botId: string, limit?: number): LogLine[];
  /** Stops watching; the process runtime also stops every bot it runs. */
  close(): Promise<void>;
}

/** A launch that can never work (an unknown program, a name that is not a program name): nothing was started. */
export class LaunchRefused extends Error {}

/** Reference programs are plain names (`greeter`, `mention-bot`): never a path. */
export const PROGRAM_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
