import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerUser, startTestServer, type TestServer, type TestUser } from "./harness.ts";

describe("GET /api/audit query", () => {
  let server: TestServer;
  let owner: TestUser;
  const get = async (query: string) => {
    const res = await fetch(`${server.url}/api/audit${query}`, { headers: { authorization: `Bearer ${owner.token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestServer();
    owner = await registerUser(server.url, "auditor");
    for (const name of ["one", "two", "three"]) await registerUser(server.url, name);
  });
  afterAll(() => server.stop());

  it.each([
    ["?before=abc", "before"],
    ["?before=0", "before"],
    ["?before=2.5", "before"],
    ["?limit=-5", "limit"],
    ["?limit=0", "limit"],
    ["?limit=1001", "limit"],
    ["?limit=ten", "limit"],
    ["?limit=5&limit=6", "limit"],
    ["?verify=yes", "verify"],
    ["?before=abc&limit=-5", "before"],
  ])("%s → 400 bad_input naming %s", async (query, field) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: "bad_input", message: expect.stringContaining(field) } });
  });

  it("pages with limit and before, and verifies only when asked", async () => {
    const all = await get("");
    const entries = all.body.entries as { seq: number }[];
    expect(all.status).toBe(200);
    expect(all.body.verified).toBeUndefined();
    expect(entries.length).toBeGreaterThanOrEqual(4);

    const page = await get("?limit=2");
    expect((page.body.entries as { seq: number }[]).map((e) => e.seq)).toEqual(entries.slice(0, 2).map((e) => e.seq));
    const older = await get(`?limit=1000&before=${entries[1].seq}`);
    expect((older.body.entries as { seq: number }[]).map((e) => e.seq)).toEqual(entries.slice(2).map((e) => e.seq));

    expect((await get("?verify=true")).body.verified).toMatchObject({ ok: true });
    expect((await get("?verify=false")).body.verified).toBeUndefined();
  });
});
