/** What a runtime needs to run one bot: its id, name, reference program and environment (MESH_URL, MESH_TOKEN, MESH_ROOM). */
export interface BotLaunch {
  botId: string;
  name: string;
  program: string;
  env: Record<string, string>;
}

/** The REST contract's run states and log lines (schema), as the runtimes report them. */
export type { BotLogLine as LogLine, BotRunState, BotRunStatus } from "@mesh/schema";
import type { BotLogLine as LogLine, BotRunStatus } from "@mesh/schema";

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
