export { helpText, loadConfig, SETTINGS, type Config } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
/** For the bench: the DM window drives StateViews exactly as a room does. */
export { DirectWindow, type ViewChange } from "./realtime/direct-window.ts";
export type { ReplayRecord, RoomStats } from "./realtime/room-registry.ts";
export { StartupError, startServer, type RunningServer, type StartOptions } from "./server.ts";
