import { ErrorCode, MAX_FRAME_BYTES } from "@mesh/schema";
import express, { type Application, type NextFunction, type Request, type Response } from "express";
import type { Services } from "../realtime/services.ts";
import { sendError } from "./respond.ts";
import { auditRoutes } from "./routes/audit.ts";
import { authRoutes } from "./routes/auth.ts";
import { botRoutes } from "./routes/bots.ts";
import { conversationRoutes } from "./routes/conversation.ts";
import { healthRoutes } from "./routes/health.ts";
import { participantRoutes } from "./routes/participants.ts";
import { pollRoutes } from "./routes/poll.ts";
import { roleRoutes } from "./routes/roles.ts";
import { roomMemberRoutes } from "./routes/room-members.ts";
import { roomRoutes } from "./routes/rooms.ts";
import { sdkRoutes } from "./routes/sdk.ts";
import { settingsRoutes } from "./routes/settings.ts";
import { sshKeyRoutes } from "./routes/ssh-keys.ts";
import { uploadRoutes } from "./routes/uploads.ts";
import { webRoutes } from "./web.ts";

/** REST and the web clients' pages on the Colyseus server's express app (same port as the sockets). */
export function configureApp(app: Application, services: Services): void {
  app.disable("x-powered-by");
  // Behind a reverse proxy, X-Forwarded-For names the client; otherwise it is ignored.
  app.set("trust proxy", services.config.trustProxy);
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "no-referrer");
    next();
  });
  app.use((req, res, next) => {
    const started = performance.now();
    res.on("finish", () =>
      services.log.debug(
        { method: req.method, path: req.path, status: res.statusCode, ms: +(performance.now() - started).toFixed(1) },
        "request",
      ),
    );
    next();
  });
  app.use(express.json({ limit: MAX_FRAME_BYTES }));
  const routers = [healthRoutes, authRoutes, roomRoutes, conversationRoutes, roomMemberRoutes, roleRoutes, participantRoutes, auditRoutes, settingsRoutes, uploadRoutes, botRoutes, pollRoutes, sdkRoutes, sshKeyRoutes];
  for (const routes of routers) app.use(routes(services));
  app.use("/api", (req, res) => sendError(res, ErrorCode.NotFound, `no route ${req.method} ${req.originalUrl}`));
  app.use(webRoutes(services.config));
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === "entity.too.large") return sendError(res, ErrorCode.PayloadTooLarge, `body over ${MAX_FRAME_BYTES} bytes`);
    if (type === "entity.parse.failed") return sendError(res, ErrorCode.BadInput, "body is not valid JSON");
    services.log.error({ err: error, path: req.path }, "request failed");
    sendError(res, ErrorCode.Internal, "internal error; see the server log");
  });
}
