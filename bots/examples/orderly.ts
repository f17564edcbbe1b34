// Orderly: obeys every order. The world itself walks it (move_to, follow), halts it (stop) and
// speaks for it (say); those it only logs. A task is its own: it reports `active`, says it is on
// it and walks there and back, then reports `done`. A newer order cancels a task in progress.
import type { BotOrder } from "../src/index.ts";
import { botFromEnv, log, nearby, run, whereAmI } from "./runner.ts";

const TASK_MS = 3000;
const bot = botFromEnv();
let current = "";

bot.onOrder(async (order) => {
  current = order.id;
  log("order", `${order.id} ${describe(order)} from ${order.by}`);
  if (order.kind !== "task") return;
  order.report("active", "on it");
  // Its own words, not the task's: a task's text is the commander's, not the bot's to repeat.
  void bot.send("Working on a task.");
  const start = whereAmI(bot);
  const there = nearby(start, 4);
  bot.moveTo(there.x, there.z);
  await sleep(TASK_MS);
  if (current !== order.id) return log("cancelled", order.id);
  bot.moveTo(start.x, start.z);
  order.report("done", "finished");
  log("done", order.id);
});

bot.onMessage((msg) => {
  if (!msg.mentionsMe() && !msg.isDirect) return;
  log("mention", `${msg.authorName}: ${msg.text}`);
  void bot.reply(msg, "Orderly here: I obey move_to, follow, stop, say and task orders from my owner.");
});

await run(bot);

function describe(order: BotOrder): string {
  switch (order.kind) {
    case "move_to":
      return `move_to ${order.x} ${order.z}`;
    case "follow":
      return `follow ${order.targetId}${order.distance ? ` at ${order.distance}` : ""}`;
    case "stop":
      return "stop";
    case "say":
      return `say ${JSON.stringify(order.text)}`;
    case "task":
      return `task ${JSON.stringify(order.text)}`;
    default: {
      const unknown: never = order.kind;
      return `unknown ${unknown}`;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
