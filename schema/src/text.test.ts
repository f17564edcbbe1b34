import { describe, expect, it } from "vitest";
import { sanitizeText } from "./text.ts";

describe("sanitizeText", () => {
  it("strips DEL and the C1 controls (U+007F–U+009F), not only C0", () => {
    expect(sanitizeText("a\u007Fb\u009Bc")).toEqual({ ok: true, value: "abc" });
    // Both ends of the range: U+0080 and U+009F go, U+00A0 (no-break space) stays.
    expect(sanitizeText("x\u0080y\u009Fz\u00A0")).toEqual({ ok: true, value: "xyz\u00A0" });
  });
});
