/**
 * Builds the web clients into dist/web when they are missing or stale (their sources changed
 * since the last build), so `npm start` never needs a second command. `--force` always builds.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(ROOT, "dist", "web");
const STAMP = path.join(OUT, ".sources");
/** Everything a page is built from: the clients, the SDK and the contract they import, the build's own config. */
const SOURCES = ["client-kit", "client-3d", "client-term", "client-rts", "bots/src", "schema/src"];
const FILES = ["vite.config.ts", "web-pages.json", "package-lock.json"];

const HELP = `Usage: node --import tsx scripts/build-web.ts [--force] [--check]

Builds the web clients (start page, status page, 3D client, terminal, RTS view) into dist/web with Vite.
Without options it builds only when the sources changed since the last build.

  --force   build even when dist/web is current
  --check   build nothing; exit 1 when dist/web is missing or stale
  --help    show this`;

function walk(dir: string, into: string[]): void {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, into);
    else if (!/\.test\.ts$/.test(entry.name)) into.push(full);
  }
}

/** A hash of every source file's path and bytes: equal hashes, equal builds. */
export function sourceHash(): string {
  const files: string[] = FILES.map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f));
  for (const dir of SOURCES) walk(path.join(ROOT, dir), files);
  files.sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(path.relative(ROOT, file));
    hash.update("\0");
    hash.update(fs.readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

export function isCurrent(hash = sourceHash()): boolean {
  return fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8").trim() === hash;
}

export async function buildWeb({ force = false } = {}): Promise<"built" | "current"> {
  const hash = sourceHash();
  if (!force && isCurrent(hash)) return "current";
  const started = performance.now();
  console.log("[web] building the web clients into dist/web (a minute on a small machine)…");
  const { build } = await import("vite");
  await build({ configFile: path.join(ROOT, "vite.config.ts"), root: ROOT, logLevel: "warn" });
  fs.writeFileSync(STAMP, `${hash}\n`);
  console.log(`[web] built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return "built";
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !["--force", "--check", "--help", "-h"].includes(a));
  if (args.includes("--help") || args.includes("-h") || unknown.length > 0) {
    if (unknown.length > 0) console.error(`unknown option: ${unknown.join(" ")}\n`);
    console.log(HELP);
    process.exit(unknown.length > 0 ? 2 : 0);
  }
  if (args.includes("--check")) {
    const current = isCurrent();
    console.log(current ? "[web] dist/web is current" : "[web] dist/web is missing or stale");
    process.exit(current ? 0 : 1);
  }
  buildWeb({ force: args.includes("--force") }).then(
    (outcome) => {
      if (outcome === "current") console.log("[web] dist/web is current; nothing to build");
    },
    (error: unknown) => {
      console.error(`[web] build failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
