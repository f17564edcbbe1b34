import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { helpText, loadConfig, SETTINGS } from "./config.ts";

const README = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

describe("configuration", () => {
  it("has a default for everything", () => {
    const loaded = loadConfig({});
    expect(loaded).toMatchObject({ ok: true, value: { port: 4000, host: "0.0.0.0", logLevel: "info", defaultRole: "member" } });
  });

  it("takes exact origins for CORS and refuses a wildcard or a path", () => {
    expect(loadConfig({ MESH_CORS_ORIGINS: "https://app.example.com, http://localhost:5173" })).toMatchObject({
      ok: true,
      value: { corsOrigins: ["https://app.example.com", "http://localhost:5173"] },
    });
    const bad = loadConfig({ MESH_CORS_ORIGINS: "*,https://x.example/path" });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toHaveLength(2);
  });

  it("reports every bad setting at once", () => {
    const loaded = loadConfig({ PORT: "99999", MESH_RATE_PER_S: "0", MESH_TRUST_PROXY: "yes" });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.errors).toHaveLength(3);
  });

  it("documents every setting in --help and in the README with its default", () => {
    const readme = fs.readFileSync(README, "utf8");
    const help = helpText();
    for (const setting of SETTINGS) {
      expect(help).toContain(setting.env);
      const shown = setting.default === "" ? "(empty)" : `\`${setting.default}\``;
      expect(readme).toContain(`| \`${setting.env}\` | ${shown} |`);
    }
  });
});
