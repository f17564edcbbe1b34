import type { BotRecord } from "@mesh/persistence";
import type { Services } from "../realtime/services.ts";

/**
 * Bridge and polling bots have no socket: while started they are present in their rooms anyway
 * (the runtime tells them what happens there through bot events). The controller says when.
 */
export function wireBotPresence(services: Pick<Services, "controller" | "rooms" | "log" | "db">): void {
  services.controller.onPresence = (bot, running) => {
    if (running) void enter(services, bot);
    else for (const roomId of bot.rooms) services.rooms.get(roomId)?.detach(bot.id);
  };
}

async function enter(services: Pick<Services, "rooms" | "log" | "db">, bot: BotRecord): Promise<void> {
  for (const roomId of bot.rooms) {
    if (!services.db.rooms.get(roomId)) {
      services.log.warn({ bot: bot.id, room: roomId }, "bot's room no longer exists");
      continue;
    }
    try {
      const room = await services.rooms.ensureOpen(roomId);
      const entered = room.attach(bot.id);
      if (!entered.ok) services.log.warn({ bot: bot.id, room: roomId, error: entered.error }, "bot could not enter its room");
    } catch (error) {
      services.log.warn({ bot: bot.id, room: roomId, err: error }, "bot's room could not open");
    }
  }
}
