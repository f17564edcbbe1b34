import { emit, progress } from "./report.ts";
import { suites } from "./suites.ts";

const usage = `Usage: npm run bench -- [--quick] [--only <suite>[,<suite>...]] [--help]

Runs The Mesh benchmarks and prints one JSON object per line (JSONL) on stdout;
progress goes to stderr.

  --quick          fewer rounds and sizes (a smoke run)
  --only <names>   run only these suites (${suites.map((s) => s.name).join(", ")})
  --help           print this and exit
`;

const main = async (argv: readonly string[]): Promise<number> => {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const quick = argv.includes("--quick");
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? "").split(",").filter(Boolean) : [];
  const unknown = only.filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown suite(s): ${unknown.join(", ")}\n\n${usage}`);
    return 2;
  }
  for (const suite of suites) {
    if (only.length > 0 && !only.includes(suite.name)) continue;
    progress(`suite ${suite.name}: ${suite.description}`);
    await suite.run({ quick }, emit);
  }
  return 0;
};

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
