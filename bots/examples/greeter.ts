// Greeter: welcomes whoever joins the room.
import { botFromEnv, log, run } from "./runner.ts";

const bot = botFromEnv();

bot.onJoin((who) => {
  log("join", `${who.name} (${who.kind})`);
  void bot.send(`Welcome, ${who.name}! Say hello; people here are friendly.`);
});
bot.onLeave((who) => log("leave", who.name));

await run(bot);
