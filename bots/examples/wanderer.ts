// Wanderer: walks to a random point nearby every few seconds (MESH_WANDER_S, default 5). While
// the world carries out an order it was given (move_to, follow, stop, say) it waits 30 s before
// wandering on; a task it cannot do, and says so.
import { botFromEnv, log, nearby, run, whereAmI } from "./runner.ts";

const everyMs = Number(process.env.MESH_WANDER_S ?? 5) * 1000;
const ORDER_PAUSE_MS = 30_000;
const bot = botFromEnv();
let pausedUntil = 0;

bot.onOrder((order) => {
  log("order", `${order.kind} from ${order.by}`);
  if (order.kind === "task") return order.report("failed", "I only wander");
  pausedUntil = Date.now() + ORDER_PAUSE_MS;
});

await run(bot);
setInterval(() => {
  if (Date.now() < pausedUntil) return;
  const { x, z } = nearby(whereAmI(bot), 8);
  log("walk", `${x} ${z}`);
  bot.moveTo(x, z);
}, everyMs);
