/**
 * Package boundaries (STYLE.md): schema → nothing of ours; sim, persistence → schema;
 * server → sim, persistence, schema, client-term (the SSH door runs the MUD); bots → schema; client-kit → bots, schema;
 * clients → client-kit, bots, schema; bench → anything.
 * A workspace imports another only through its package name (its src/index.ts).
 */
const ws = ["schema", "sim", "persistence", "server", "bots", "bench", "client-kit", "client-3d", "client-rts", "client-term"];
const allowed = {
  schema: [],
  sim: ["schema"],
  persistence: ["schema"],
  server: ["sim", "persistence", "schema", "client-term"],
  bots: ["schema"],
  "client-kit": ["bots", "schema"],
  "client-3d": ["client-kit", "bots", "schema"],
  "client-rts": ["client-kit", "bots", "schema"],
  "client-term": ["client-kit", "bots", "schema"],
};
const forbidden = Object.entries(allowed).map(([from, ok]) => ({
  name: `${from}-imports-only-${ok.join("-") || "nothing-of-ours"}`,
  severity: "error",
  from: { path: `^${from}/src/`, pathNot: "\\.test\\.ts$" },
  to: { path: `^(${ws.filter((w) => w !== from && !ok.includes(w)).join("|")})/` },
}));
forbidden.push({
  name: "through-index-only",
  comment: "import another workspace by its package name, never by a path into its src",
  severity: "error",
  from: { path: "^([^/]+)/" },
  to: { path: `^(${ws.join("|")})/src/(?!index\\.ts$)`, pathNot: "^$1/" },
});
forbidden.push({
  name: "clients-connect-through-the-sdk",
  comment: "the web clients reach the server only through the SDK's connection layer (@mesh/bots), never Colyseus directly",
  severity: "error",
  from: { path: "^client-[^/]+/src/" },
  to: { path: "node_modules/@colyseus/" },
});
forbidden.push({
  name: "no-circular",
  severity: "error",
  from: {},
  to: { circular: true },
});
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
