// Mention bot: answers whoever mentions it (@name) or sends it a DM, in the same thread or DM.
import { botFromEnv, log, run } from "./runner.ts";

const bot = botFromEnv();

bot.onMessage((msg) => {
  if (!msg.mentionsMe() && !msg.isDirect) return;
  log(msg.isDirect ? "dm" : "mention", `${msg.authorName}: ${msg.text}`);
  // No @mentions in the answer: two mention bots must not answer each other for ever.
  const said = msg.text.replace(/@[\w.-]+/g, "").trim();
  void bot.reply(msg, said ? `Hello ${msg.authorName}! You said: "${said}"` : `Hello ${msg.authorName}!`);
});

await run(bot);
