export { helpText, loadConfig, SETTINGS, type Config } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
export type { ReplayRecord, RoomStats } from "./realtime/room-registry.ts";
export { StartupError, startServer, type RunningServer, type StartOptions } from "./server.ts";
