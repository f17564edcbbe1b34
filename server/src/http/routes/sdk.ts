import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode } from "@mesh/schema";
import { type Request, type Response, Router } from "express";
import type { Logger } from "../../logger.ts";
import type { Services } from "../../realtime/services.ts";
import { sendError } from "../respond.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
/** The SDK's own build (bots/scripts/build.mjs) and the list of sources it reads. */
const BUILD_SCRIPT = path.join(REPO, "bots", "scripts", "build.mjs");
const BUILD_INPUTS = path.join(REPO, "bots", "scripts", "inputs.json");
/** Where `node bots/scripts/build.mjs` puts a build made ahead of time. */
const PREBUILT_DIR = path.join(REPO, "bots", "dist");
/** What /sdk/ serves, as the build names its outputs. */
const FILES: Record<string, { type: string; download: boolean }> = {
  "mesh-bots.tgz": { type: "application/gzip", download: true },
  "mesh-bots.mjs": { type: "text/javascript; charset=utf-8", download: false },
};
/** How often a request looks at the sources again (a deployed server's never change). */
const RECHECK_MS = 2_000;
/** A build that failed is not tried again for the same sources before this long. */
const RETRY_AFTER_MS = 5 * 60_000;
const BUILD_TIMEOUT_MS = 180_000;
const BUILD_LOG = "builds.log";

interface Built {
  fingerprint: string;
  files: Map<string, { bytes: Buffer; etag: string }>;
}

/**
 * The bot SDK for people outside this repository (SPEC §7): `npm install <mesh>/sdk/mesh-bots.tgz`,
 * or the bare ES module. Public code, so no sign-in. Built by bots/scripts/build.mjs in a child
 * process (a build takes seconds of CPU; the rooms keep ticking) on the first request, into a
 * cache in the data folder, and built again when its sources change.
 */
export function sdkRoutes(services: Services): Router {
  const cache = new SdkCache(path.join(services.config.dataDir, "sdk-cache"), services.log);
  const router = Router();
  for (const name of Object.keys(FILES)) router.get(`/sdk/${name}`, (req, res) => void serve(cache, name, req, res));
  return router;
}

async function serve(cache: SdkCache, name: string, req: Request, res: Response): Promise<void> {
  let built: Built;
  try {
    built = await cache.current();
  } catch {
    // The cause went to the server log when the build failed.
    res.setHeader("Retry-After", String(RETRY_AFTER_MS / 1000));
    return sendError(res, ErrorCode.Internal, "the bot SDK could not be built; see the server log");
  }
  const file = built.files.get(name)!;
  res.setHeader("Content-Type", FILES[name].type);
  res.setHeader("ETag", file.etag);
  // Cached copies are checked again each time: a rebuilt SDK keeps its URL.
  res.setHeader("Cache-Control", "no-cache");
  if (FILES[name].download) res.setHeader("Content-Disposition", `attachment; filename="${name}"`);
  if (matches(req.get("if-none-match"), file.etag)) {
    res.status(304).end();
    return;
  }
  res.end(file.bytes);
}

/**
 * If-None-Match against our ETag (weak comparison, RFC 9110 §13.1.2). Not express's `req.fresh`:
 * that also says "not fresh" when the request carries `Cache-Control: no-cache`, which fetch()
 * adds to every conditional request.
 */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const candidate = tag.trim().replace(/^W\//, "");
    return candidate === "*" || candidate === etag;
  });
}

/** The latest build, made once however many requests ask at the same moment. */
class SdkCache {
  private built: Built | undefined;
  private checkedAt = 0;
  private refreshing: Promise<Built> | undefined;
  private failure: { fingerprint: string; at: number; error: unknown } | undefined;

  constructor(
    private readonly dir: string,
    private readonly log: Logger,
  ) {}

  current(): Promise<Built> {
    if (this.built && Date.now() - this.checkedAt < RECHECK_MS) return Promise.resolve(this.built);
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<Built> {
    let fingerprint: string;
    try {
      fingerprint = await fingerprintOf(JSON.parse(await fs.readFile(BUILD_INPUTS, "utf8")) as string[]);
    } catch (error) {
      return this.fallback(error);
    }
    this.checkedAt = Date.now();
    if (this.built?.fingerprint === fingerprint) return this.built;
    const cached = await this.load(path.join(this.dir, fingerprint), fingerprint);
    if (cached) {
      this.built = cached;
      return cached;
    }
    // The same sources fail the same way: try again only after a while, or once they change.
    const failed = this.failure;
    if (failed?.fingerprint === fingerprint && Date.now() - failed.at < RETRY_AFTER_MS) return this.fallback(failed.error);
    try {
      this.built = await this.build(fingerprint);
      this.failure = undefined;
      return this.built;
    } catch (error) {
      this.log.error({ err: error }, "building the bot SDK failed");
      this.failure = { fingerprint, at: Date.now(), error };
      return this.fallback(error);
    }
  }

  /**
   * A stale SDK beats none: the last good build, else one made ahead of time into bots/dist
   * (`node bots/scripts/build.mjs`, for an image installed without the build's dev dependencies).
   */
  private async fallback(error: unknown): Promise<Built> {
    this.built ??= await this.load(PREBUILT_DIR, "prebuilt");
    if (!this.built) throw error;
    return this.built;
  }

  /** The served files of a finished build in `dir`, or undefined if it has none. */
  private async load(dir: string, fingerprint: string): Promise<Built | undefined> {
    try {
      const files = new Map<string, { bytes: Buffer; etag: string }>();
      for (const name of Object.keys(FILES)) {
        const bytes = await fs.readFile(path.join(dir, name));
        files.set(name, { bytes, etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 27)}"` });
      }
      return { fingerprint, files };
    } catch {
      return undefined;
    }
  }

  /** Build into a fresh folder, then rename it into place, so a half-written build is never served. */
  private async build(fingerprint: string): Promise<Built> {
    await fs.mkdir(this.dir, { recursive: true });
    const scratch = path.join(this.dir, `tmp-${randomBytes(6).toString("hex")}`);
    const started = Date.now();
    try {
      await runBuild(scratch);
      await fs.rename(scratch, path.join(this.dir, fingerprint)).catch(async (error: NodeJS.ErrnoException) => {
        // Another process built the same sources first: theirs is as good.
        if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
      });
    } finally {
      await fs.rm(scratch, { recursive: true, force: true });
    }
    const built = await this.load(path.join(this.dir, fingerprint), fingerprint);
    if (!built) throw new Error("the SDK build wrote no files");
    const ms = Date.now() - started;
    this.log.info({ ms, fingerprint }, "built the bot SDK");
    // One line per build, beside the builds: when the served SDK was made, and how long it took.
    await fs.appendFile(path.join(this.dir, BUILD_LOG), `${new Date().toISOString()} ${fingerprint} ${ms} ms\n`);
    await this.forgetOthers(fingerprint);
    return built;
  }

  private async forgetOthers(keep: string): Promise<void> {
    for (const entry of await fs.readdir(this.dir)) {
      if (entry === keep || entry === BUILD_LOG) continue;
      const full = path.join(this.dir, entry);
      // A scratch folder may be a build under way; one older than any build can run was left by a
      // build that was killed (the server with it) and would otherwise stay for good.
      if (entry.startsWith("tmp-")) {
        const stat = await fs.stat(full).catch(() => undefined);
        if (!stat || Date.now() - stat.mtimeMs < 2 * BUILD_TIMEOUT_MS) continue;
      }
      await fs.rm(full, { recursive: true, force: true });
    }
  }
}

/** Run the build script as a child process; rejects with the end of its output if it fails. */
function runBuild(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILD_SCRIPT, outDir], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), BUILD_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`SDK build exited with ${signal ?? code}: ${output.trim()}`));
    });
  });
}

/** Names, sizes and times of every source file the build reads: any edit, addition or removal changes it. */
async function fingerprintOf(inputs: string[]): Promise<string> {
  const entries: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    const stat = await fs.stat(path.join(REPO, relative)).catch(() => undefined);
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const name of (await fs.readdir(path.join(REPO, relative))).sort()) await visit(path.join(relative, name));
    } else {
      entries.push(`${relative}:${stat.size}:${stat.mtimeMs}`);
    }
  };
  for (const input of inputs) await visit(input);
  return createHash("sha256").update(entries.join("\n")).digest("hex").slice(0, 16);
}
