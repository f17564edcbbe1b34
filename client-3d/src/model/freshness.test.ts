import { describe, expect, it } from "vitest";
import { FRESH_MS, Freshness } from "./freshness.ts";

describe("Freshness", () => {
  it("takes messages said now as fresh whatever the browser's clock says", () => {
    for (const skew of [-300_000, 0, 420_000]) {
      const fresh = new Freshness();
      const server = 1_700_000_000_000;
      expect(fresh.isFresh(server, server + skew + 40), `skew ${skew}`).toBe(true);
      expect(fresh.isFresh(server + 5_000, server + 5_000 + skew + 60), `skew ${skew}`).toBe(true);
    }
  });

  it("takes a message fetched long after it was said as history", () => {
    const fresh = new Freshness();
    const server = 1_700_000_000_000;
    const skew = -120_000;
    expect(fresh.isFresh(server, server + skew + 30)).toBe(true);
    // Back after a drop: the backlog's messages were said a minute ago.
    expect(fresh.isFresh(server + 1_000, server + 61_000 + skew)).toBe(false);
    expect(fresh.isFresh(server + 60_500, server + 61_000 + skew)).toBe(true);
    expect(fresh.isFresh(server + 60_000 - FRESH_MS - 1_000, server + 61_000 + skew)).toBe(false);
  });
});
