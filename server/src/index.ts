export { helpText, loadConfig, SETTINGS, type Config } from "./config.ts";
export { createLogger, type Logger } from "./logger.ts";
/** For the bench: the DM window and the views it drives, exactly as a room uses them. */
export { DirectWindow, type ViewChange } from "./realtime/direct-window.ts";
export { DirectViews, patchSkippingQuietViews } from "./realtime/direct-views.ts";
export type { ReplayRecord, RoomStats } from "./realtime/room-registry.ts";
/** For the bench: a room without sockets, exactly as the server runs one. */
export { RoomRuntime, type RuntimePort, type RuntimeServices } from "./realtime/room-runtime.ts";
/** For the bench: the pages the server serves and the files they are built from. */
export { WEB_PAGES } from "./http/web.ts";
export { StartupError, startServer, type RunningServer, type StartOptions } from "./server.ts";
