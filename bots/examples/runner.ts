// What every reference bot does the same way: settings from the environment, one log line per
// event on stdout, and a clean exit (SIGTERM or SIGINT: leave the room, exit 0; the room closed
// by the server or a failed start: exit 1, so a supervisor sees it and may restart the bot).
import { createBot, type MeshBot } from "../src/index.ts";

/** A bot for MESH_URL (default http://localhost:4000) with MESH_TOKEN, in MESH_ROOM (default lobby). */
export function botFromEnv(): MeshBot {
  const token = process.env.MESH_TOKEN;
  if (!token) {
    log("fatal", "MESH_TOKEN is not set");
    process.exit(1);
  }
  return createBot({ url: process.env.MESH_URL ?? "http://localhost:4000", token, room: process.env.MESH_ROOM || undefined });
}

/** One line per event: time, event, details. */
export function log(event: string, detail = ""): void {
  console.log(`${new Date().toISOString()} ${event}${detail ? ` ${detail}` : ""}`);
}

/** Start the bot and keep it running until a signal or the server ends it. */
export async function run(bot: MeshBot): Promise<void> {
  let stopping = false;
  bot.onError((error) => log("error", `${error.code} ${error.ref}: ${error.message}`));
  bot.onClose((code, reason) => {
    if (stopping) return;
    log("closed", `${code}${reason ? ` ${reason}` : ""}`);
    process.exit(1);
  });
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log("stop", signal);
    // Leaving waits for the server's goodbye; a server that does not answer does not hold the exit.
    setTimeout(() => process.exit(0), 3000).unref();
    void bot.stop().finally(() => process.exit(0));
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  try {
    await bot.start();
  } catch (error) {
    log("fatal", `could not join: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  log("started", `${bot.me.name} (${bot.me.id})`);
}

/** The bot's own participant as the room shows it (its position, its order). */
export function whereAmI(bot: MeshBot): { x: number; z: number } {
  const me = bot.participants().find((p) => p.id === bot.me.id);
  return { x: me?.x ?? 0, z: me?.z ?? 0 };
}

/** A point up to `radius` away from (x, z), never below 0 (the world keeps it inside the floor). */
export function nearby({ x, z }: { x: number; z: number }, radius: number): { x: number; z: number } {
  const at = (v: number) => Math.max(0, Math.round((v + (Math.random() * 2 - 1) * radius) * 10) / 10);
  return { x: at(x), z: at(z) };
}
