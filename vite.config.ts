import { defineConfig } from "vite";

/**
 * One multi-page build for every web client: the start page (/), the status page (/status) and
 * the 3D client (/3d). Shared code (the SDK, the client kit) lands in shared hashed chunks that
 * the browser caches once for all pages. The server serves `dist/web` (server/src/http/web.ts).
 */
export const WEB_PAGES = {
  start: "client-kit/index.html",
  status: "client-kit/status.html",
  "3d": "client-3d/index.html",
} as const;

/** Where `npm run dev` finds the real server it proxies to. */
const SERVER = process.env.MESH_DEV_SERVER ?? "http://127.0.0.1:4000";

export default defineConfig({
  root: ".",
  base: "/",
  publicDir: false,
  // Lets the dev server's proxy reach the server's REST and socket paths; the pages use their own origin.
  server: {
    port: Number(process.env.MESH_DEV_PORT ?? 5173),
    proxy: {
      "^/(api|matchmake|sdk)(/|$)": { target: SERVER, changeOrigin: false },
      // Colyseus sockets: /<processId>/<roomId>?sessionId=…
      "^/[\\w-]+/[\\w-]+\\?sessionId=": { target: SERVER, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: "dist/web",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    // Babylon's core is one big chunk by nature; the budget is checked by the bench, not here.
    chunkSizeWarningLimit: 4096,
    modulePreload: { polyfill: false },
    rollupOptions: { input: WEB_PAGES },
  },
});
