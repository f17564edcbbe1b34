/**
 * `npm run dev`: the real server (restarted on change by tsx watch) and Vite's dev server with hot
 * reload in front of it, proxying REST and sockets through (vite.config.ts). Ctrl-C stops both.
 */
import { type ChildProcess, spawn } from "node:child_process";

if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`Usage: npm run dev

Starts the mesh server on PORT (default 4000) and Vite's dev server on MESH_DEV_PORT
(default 5173) with hot reload; open http://localhost:5173/ . Pages edited under client-*/
reload at once; the server restarts when its sources change. Ctrl-C stops both.`);
  process.exit(0);
}

const port = process.env.PORT ?? "4000";
// Only this machine reaches the dev pages (Vite listens on 127.0.0.1), and the server behind them
// too: a dev mesh on the default 0.0.0.0 would be open to the whole network. HOST says otherwise.
const env = { ...process.env, PORT: port, HOST: process.env.HOST ?? "127.0.0.1", MESH_DEV_SERVER: `http://127.0.0.1:${port}` };
const children: ChildProcess[] = [
  spawn(process.execPath, ["--import", "tsx", "--watch", "server/src/main.ts"], { stdio: "inherit", env }),
  spawn(process.execPath, ["node_modules/vite/bin/vite.js", "--host", "127.0.0.1"], { stdio: "inherit", env }),
];
const stop = () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
for (const child of children) child.on("exit", (code) => {
  stop();
  process.exitCode = code ?? 0;
});
