// Type declarations for the published SDK: tsc emits bots/src and schema/src, then every import
// is made relative so the package needs nothing installed beside it. The few outside packages
// whose types the API shows (zod, @colyseus/schema) have their own declarations copied in.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

/** Specifiers in declaration text: `from "x"`, `import("x")`, `import "x"`, `/// <reference path="x" />`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|<reference\s+path=)(["'])([^"'\n]+)\2/g;
const TYPES_REFERENCE = /\/\/\/\s*<reference\s+types=["']([^"']+)["']\s*\/>/g;

/**
 * Emit the declarations of `entry` (bots/src/index.ts) into `outDir` (the package's types/ folder).
 * Returns the path of the entry's .d.ts relative to outDir. Throws on type errors.
 */
export function emitDeclarations({ repo, entry, outDir, aliases, vendored }) {
  const emitted = new Map();
  const options = {
    ...readBaseOptions(path.join(repo, "tsconfig.base.json")),
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    // MeshRoom's constructor takes a Colyseus room: it is not for users, and keeps @colyseus/sdk's types out.
    stripInternal: true,
    rootDir: repo,
    outDir,
    typeRoots: [path.join(repo, "node_modules", "@types")],
    paths: Object.fromEntries(Object.entries(aliases).map(([name, file]) => [name, [file]])),
  };
  const program = ts.createProgram([entry], options);
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) throw new Error(`type errors in the SDK:\n${format(errors)}`);
  const result = program.emit(undefined, (file, text) => emitted.set(path.resolve(file), text), undefined, true);
  if (result.emitSkipped) throw new Error(`declarations not emitted:\n${format(result.diagnostics)}`);

  // Where each bare specifier now lives: our workspaces as emitted, outside packages as copied.
  const targets = new Map(Object.entries(aliases).map(([name, file]) => [name, emittedPath(repo, outDir, file)]));
  const vendor = new Vendor(outDir, vendored);
  for (const [file, text] of emitted) {
    const rewritten = rewrite(text, file, (specifier) => {
      if (specifier.startsWith(".")) return specifier.replace(/\.ts$/, ".js");
      const target = targets.get(specifier) ?? vendor.entry(specifier, file);
      return relativeJs(file, target);
    });
    write(file, rewritten);
  }
  vendor.copy();
  return path.relative(outDir, emittedPath(repo, outDir, entry));
}

/** Outside packages' declarations, copied with every file they reach, their imports made exact. */
class Vendor {
  constructor(outDir, packages) {
    this.root = path.join(outDir, "vendor");
    this.packages = packages;
    this.pending = [];
    this.copied = new Set();
  }

  /** The copied .d.ts a bare specifier names (throws for a package not meant to be shipped). */
  entry(specifier, from) {
    const { name, subpath } = splitSpecifier(specifier);
    const dir = this.packages[name];
    if (!dir) throw new Error(`${path.basename(from)} imports types from "${specifier}", which the SDK package does not ship; add it to the vendored packages or keep it out of the public API`);
    const source = typesEntry(dir, subpath);
    this.pending.push({ name, dir, file: source });
    return this.destination(name, dir, source);
  }

  copy() {
    while (this.pending.length > 0) {
      const { name, dir, file } = this.pending.pop();
      if (this.copied.has(file)) continue;
      this.copied.add(file);
      const text = fs.readFileSync(file, "utf8");
      const out = this.destination(name, dir, file);
      write(
        out,
        rewrite(text, out, (specifier) => {
          if (!specifier.startsWith(".")) {
            const { name: other } = splitSpecifier(specifier);
            return this.packages[other] ? relativeJs(out, this.entry(specifier, file)) : specifier;
          }
          const target = resolveDeclaration(path.resolve(path.dirname(file), specifier));
          if (!target) return specifier;
          this.pending.push({ name, dir, file: target });
          return relativeJs(out, this.destination(name, dir, target));
        }),
      );
    }
  }

  destination(name, dir, file) {
    return path.join(this.root, name, path.relative(dir, file));
  }
}

function readBaseOptions(file) {
  const config = ts.readConfigFile(file, ts.sys.readFile);
  if (config.error) throw new Error(format([config.error]));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, path.dirname(file)).options;
}

/** Where tsc put the declarations of a source file. */
function emittedPath(repo, outDir, source) {
  return path.join(outDir, path.relative(repo, source)).replace(/\.ts$/, ".d.ts");
}

/** The declaration file a package's export offers to `import` (ESM), e.g. zod → index.d.ts. */
function typesEntry(dir, subpath) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const exported = pkg.exports?.[subpath ? `./${subpath}` : "."];
  const candidates = [];
  if (exported && typeof exported === "object") {
    const esm = exported.import;
    if (esm && typeof esm === "object") candidates.push(esm.types, esm.default);
    else candidates.push(esm);
    candidates.push(typeof exported.types === "string" ? exported.types : exported.types?.import);
  }
  if (!subpath) candidates.push(pkg.types, pkg.typings);
  for (const candidate of candidates) {
    const found = typeof candidate === "string" && resolveDeclaration(path.join(dir, candidate));
    if (found) return found;
  }
  throw new Error(`no ESM type declarations found for ${pkg.name}${subpath ? `/${subpath}` : ""}`);
}

/** The declaration file a (JS or extensionless) path stands for, or undefined. */
function resolveDeclaration(target) {
  const stem = target.replace(/\.(m|c)?js$/, "");
  const tries = /\.d\.(m|c)?ts$/.test(target)
    ? [target]
    : target.endsWith(".mjs")
      ? [`${stem}.d.mts`]
      : [`${stem}.d.ts`, path.join(target, "index.d.ts")];
  return tries.find((file) => fs.existsSync(file) && fs.statSync(file).isFile());
}

function rewrite(text, file, map) {
  const types = [...text.matchAll(TYPES_REFERENCE)].map((m) => m[1]);
  if (types.length > 0) throw new Error(`${file} references global types (${types.join(", ")}); a bot author may not have them`);
  return text.replace(SPECIFIER, (_whole, lead, quote, specifier) => `${lead}${quote}${map(specifier)}${quote}`);
}

/** A relative import of `target` (a .d.ts) from `from`, named as the JS file it describes. */
function relativeJs(from, target) {
  let relative = path.relative(path.dirname(from), target).split(path.sep).join("/");
  if (!relative.startsWith(".")) relative = `./${relative}`;
  return relative.replace(/\.d\.ts$/, ".js").replace(/\.d\.mts$/, ".mjs").replace(/\.d\.cts$/, ".cjs");
}

function splitSpecifier(specifier) {
  const parts = specifier.split("/");
  const length = specifier.startsWith("@") ? 2 : 1;
  return { name: parts.slice(0, length).join("/"), subpath: parts.slice(length).join("/") };
}

function write(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function format(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}
