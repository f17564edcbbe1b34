import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { WEB_PAGES } from "@mesh/server";
import type { BenchLine } from "../report.ts";
import { round } from "../stats.ts";

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "dist", "web");

/** What each page must stay under, gzipped, on first load (issue targets; pages without one report none). */
const GZIP_TARGETS: Record<string, number> = { "/3d": 1.5 * 1024 * 1024, "/rts": 400 * 1024 };

/** Everything a page's HTML loads up front: its scripts, the chunks it preloads, its stylesheets. */
export function pageFiles(html: string): string[] {
  return [...new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]))];
}

/**
 * The bytes a first visit to each page downloads, raw and gzipped (the server compresses), next
 * to the page's target. The baseline is the target itself: the ratio is the share of it used.
 */
export function bundleSizes(emit: (line: BenchLine) => void): void {
  for (const [route, file] of Object.entries(WEB_PAGES)) {
    const html = fs.readFileSync(path.join(WEB_DIR, file));
    let raw = html.length;
    let gzip = gzipSync(html).length;
    const files = pageFiles(html.toString("utf8"));
    for (const asset of files) {
      const bytes = fs.readFileSync(path.join(WEB_DIR, asset));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 6 }).length;
    }
    const target = GZIP_TARGETS[route];
    emit({
      bench: "web.bundle",
      page: route,
      files: files.length + 1,
      raw_bytes: raw,
      gzip_bytes: gzip,
      ...(target ? { target_gzip_bytes: target, gzip_vs_target: round(gzip / target, 3) } : {}),
    });
  }
}
