// Build the bot SDK for people outside this repository: one self-contained ES module (the SDK
// with everything it imports), its type declarations, and an npm tarball of both that needs no
// registry to install. The mesh serves the results at /sdk/mesh-bots.tgz and /sdk/mesh-bots.mjs.
//
//   node bots/scripts/build.mjs [outDir]      (default bots/dist)
//
// Writes <outDir>/mesh-bots.mjs, <outDir>/mesh-bots.tgz and <outDir>/build.json.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { emitDeclarations } from "./declarations.mjs";
import { packDirectory } from "./tarball.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
/** The name bot authors import (`import { createBot } from "@the-mesh/bots"`). */
export const PACKAGE_NAME = "@the-mesh/bots";
/** The built files' names: <outDir>/mesh-bots.mjs and .tgz, served as /sdk/mesh-bots.mjs and .tgz. */
export const FILE_STEM = "mesh-bots";
/**
 * What the build reads from this repository (paths from its root): a change in any of them makes
 * a built SDK stale. A JSON file, so the server can watch the same list without importing this.
 */
export const SDK_INPUTS = JSON.parse(fs.readFileSync(new URL("./inputs.json", import.meta.url), "utf8"));

/** Build into `outDir`; returns the manifest written to build.json. */
export async function buildSdk(outDir = path.join(REPO, "bots", "dist")) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bots-build-"));
  try {
    const pkgDir = path.join(work, "package");
    fs.mkdirSync(pkgDir);
    const bundled = await bundle(path.join(pkgDir, "index.mjs"));
    const types = emitDeclarations({
      repo: REPO,
      entry: path.join(REPO, "bots", "src", "index.ts"),
      outDir: path.join(pkgDir, "types"),
      aliases: { "@mesh/schema": path.join(REPO, "schema", "src", "index.ts") },
      vendored: { zod: packageDir("zod"), "@colyseus/schema": packageDir("@colyseus/schema") },
    });
    const sdk = JSON.parse(fs.readFileSync(path.join(REPO, "bots", "package.json"), "utf8"));
    const manifest = {
      name: PACKAGE_NAME,
      version: sdk.version,
      description: "The Mesh bot SDK: createBot, the connection layer and REST client, bundled for Node 20 with no dependencies.",
      type: "module",
      main: "./index.mjs",
      types: `./types/${toPosix(types)}`,
      exports: {
        ".": { types: `./types/${toPosix(types)}`, default: "./index.mjs" },
        "./package.json": "./package.json",
      },
      engines: { node: ">=20" },
      sideEffects: false,
    };
    fs.writeFileSync(path.join(pkgDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    fs.copyFileSync(path.join(REPO, "bots", "README.md"), path.join(pkgDir, "README.md"));
    fs.writeFileSync(path.join(pkgDir, "THIRD_PARTY_NOTICES.md"), notices(bundled));

    fs.mkdirSync(outDir, { recursive: true });
    const module = fs.readFileSync(path.join(pkgDir, "index.mjs"));
    const tarball = packDirectory(pkgDir);
    fs.writeFileSync(path.join(outDir, `${FILE_STEM}.mjs`), module);
    fs.writeFileSync(path.join(outDir, `${FILE_STEM}.tgz`), tarball);
    const built = {
      name: PACKAGE_NAME,
      version: sdk.version,
      files: { [`${FILE_STEM}.mjs`]: describe(module), [`${FILE_STEM}.tgz`]: describe(tarball) },
      inputs: SDK_INPUTS,
    };
    fs.writeFileSync(path.join(outDir, "build.json"), `${JSON.stringify(built, null, 2)}\n`);
    return built;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The SDK and everything it imports in one ESM file; returns the outside packages it took in. */
async function bundle(outfile) {
  const result = await build({
    entryPoints: [path.join(REPO, "bots", "src", "index.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    metafile: true,
    logLevel: "warning",
    // Optional native speed-ups, loaded in try/catch by msgpackr and ws: used if installed, else skipped.
    external: ["msgpackr-extract", "bufferutil", "utf-8-validate"],
    // Bundled CommonJS (ws) calls require() for Node built-ins; an ES module has none of its own.
    banner: { js: 'import { createRequire as __meshCreateRequire } from "node:module";\nconst require = __meshCreateRequire(import.meta.url);' },
  });
  const packages = new Set();
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) packages.add(match[1]);
  }
  return [...packages].sort();
}

/** The licences of the bundled packages, as their authors ask to be kept with copies of their code. */
function notices(packages) {
  const parts = ["# Third-party code bundled in index.mjs\n"];
  for (const name of packages) {
    const dir = packageDir(name);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const licence = fs.readdirSync(dir).find((f) => /^(licen[sc]e|copying)(\.|$)/i.test(f));
    parts.push(`## ${pkg.name} ${pkg.version} (${pkg.license ?? "see below"})\n`);
    parts.push(licence ? `\`\`\`\n${fs.readFileSync(path.join(dir, licence), "utf8").trim()}\n\`\`\`\n` : "No licence file shipped with the package.\n");
  }
  return parts.join("\n");
}

function packageDir(name) {
  return path.join(REPO, "node_modules", ...name.split("/"));
}

function describe(bytes) {
  return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}

function toPosix(file) {
  return file.split(path.sep).join("/");
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const outDir = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const started = Date.now();
  buildSdk(outDir).then(
    (built) => {
      const sizes = Object.entries(built.files).map(([file, { bytes }]) => `${file} ${(bytes / 1024).toFixed(0)} KiB`);
      console.log(`built ${built.name}@${built.version} in ${Date.now() - started} ms: ${sizes.join(", ")}`);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
