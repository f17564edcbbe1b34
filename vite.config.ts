import path from "node:path";
import { defineConfig, type Plugin } from "vite";
import pages from "./web-pages.json" with { type: "json" };

/**
 * One multi-page build for every web client (web-pages.json: address → HTML file, the same table
 * the server serves from). Shared code (the SDK, the client kit) lands in shared hashed chunks that
 * the browser caches once for all pages. Output: dist/web (server/src/http/web.ts serves it).
 */
const inputs = Object.fromEntries(Object.entries(pages).map(([route, file]) => [route === "/" ? "start" : route.slice(1), file]));

/** Where `npm run dev` finds the real server it proxies to. */
const SERVER = process.env.MESH_DEV_SERVER ?? "http://127.0.0.1:4000";

/**
 * Files the dev server must never hand out. It serves every file under the repository, and the
 * server's data folder (default ./data: the SQLite file with password hashes, DMs and private
 * rooms, the signing key, uploads) lies there too. Setting `deny` replaces Vite's own list, so
 * that list is repeated first.
 */
const DENIED = [
  ".env",
  ".env.*",
  "*.{crt,pem,key,p12,pfx,cer,der}",
  ".npmrc",
  ".yarnrc.yml",
  "**/.git/**",
  // The same folder the server resolves (server/src/config.ts), from the same working directory.
  `${path.resolve(process.env.MESH_DATA_DIR ?? "./data").split(path.sep).join("/")}/**`,
  "*.sqlite",
  "*.sqlite-*",
];

/** In dev, the pages answer at the addresses the server gives them (/, /3d, /status), not at their file paths. */
function pageRoutes(): Plugin {
  const routes = new Map<string, string>(Object.entries(pages));
  return {
    name: "mesh-page-routes",
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const [pathname, query] = (req.url ?? "/").split("?");
        const file = routes.get(pathname.length > 1 ? pathname.replace(/\/$/, "") : pathname);
        if (file) req.url = `/${path.posix.normalize(file)}${query ? `?${query}` : ""}`;
        next();
      });
    },
    // The browser sees /3d, not /client-3d/index.html: a page's own `./` paths must name its folder.
    transformIndexHtml: {
      order: "pre",
      handler(html, context) {
        if (!context.server) return html;
        const folder = path.posix.dirname(context.path);
        return html.replace(/(src|href)="\.\//g, `$1="${folder}/`);
      },
    },
  };
}

export default defineConfig({
  root: ".",
  base: "/",
  publicDir: false,
  plugins: [pageRoutes()],
  server: {
    port: Number(process.env.MESH_DEV_PORT ?? 5173),
    fs: { deny: DENIED },
    // The real server behind the dev server: REST, the SDK it serves, matchmaking and the sockets.
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
    rollupOptions: { input: inputs },
  },
});
