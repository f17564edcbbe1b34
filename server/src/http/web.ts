import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import compression from "compression";
import express, { type Response, Router } from "express";
import pages from "../../../web-pages.json" with { type: "json" };
import type { Config } from "../config.ts";

/** Where `npm start` builds the pages (scripts/build-web.ts), unless MESH_WEB_DIR says otherwise. */
const DEFAULT_WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist", "web");

/** Each page's address and the built HTML that serves it (web-pages.json: Vite builds the same list). */
export const WEB_PAGES: Readonly<Record<string, string>> = pages;

/**
 * No inline script or style, nothing from another origin, no framing: whatever a message or a
 * name smuggles into a page cannot run. Sockets go to this origin only ('self' covers ws/wss).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The built web clients: pages with a CSP and no caching (so a new build shows at once), and
 * their content-hashed assets cached for a year. Missing pages say how to build them.
 */
export function webRoutes(config: Config): Router {
  const dir = config.webDir || DEFAULT_WEB_DIR;
  const router = Router();
  // Pages and bundles go compressed (a third of the bytes); the API's answers are small and left alone.
  const compress = compression();
  router.use(
    "/assets",
    compress,
    express.static(path.join(dir, "assets"), { immutable: true, maxAge: "365d", index: false, redirect: false }),
    // An asset of another build (a page cached before a rebuild): a plain 404, never a page.
    (_req, res) => {
      res.status(404).type("text/plain").send("no such asset: reload the page\n");
    },
  );
  for (const [route, file] of Object.entries(WEB_PAGES)) {
    const paths = route === "/" ? ["/", "/index.html"] : [route, `${route}/`];
    router.get(paths, compress, (_req, res) => sendPage(res, path.join(dir, file)));
  }
  return router;
}

function sendPage(res: Response, file: string): void {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("Cache-Control", "no-cache");
  if (!fs.existsSync(file)) {
    res
      .status(503)
      .type("text/plain")
      .send("The web clients are not built. `npm start` builds them before the server starts; `npm run build:web` builds them alone.\n");
    return;
  }
  res.type("html").sendFile(file);
}
