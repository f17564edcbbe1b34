import { describe, expect, it } from "vitest";
import { MAX_TEXT_LENGTH } from "./protocol.ts";
import { sanitizeText } from "./text.ts";
import { parseClientMessage } from "./validate.ts";

describe("client message validation", () => {
  it("accepts a well-formed send and strips control characters", () => {
    const parsed = parseClientMessage("send_message", { text: "hi\u0000 there\u0007\n", nonce: "a" });
    expect(parsed).toEqual({ ok: true, value: { text: "hi there\n", nonce: "a" } });
  });

  it.each([
    ["wrong type", { text: 42 }],
    ["missing text", {}],
    ["unknown field", { text: "x", admin: true }],
    ["over-long text", { text: "x".repeat(MAX_TEXT_LENGTH + 1) }],
    ["lone high surrogate", { text: "a\uD800b" }],
    ["lone low surrogate", { text: "\uDC00" }],
    ["only control characters", { text: "\u0001\u0002" }],
    ["not an object", "hello"],
    ["null", null],
  ])("refuses %s with bad_input", (_name, payload) => {
    const parsed = parseClientMessage("send_message", payload);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe("bad_input");
  });

  it.each([NaN, Infinity, -Infinity, Number("1e400")])("refuses move coordinate %s", (bad) => {
    expect(parseClientMessage("move", { x: bad, z: 1 }).ok).toBe(false);
    expect(parseClientMessage("move", { x: 1, z: bad }).ok).toBe(false);
  });

  it("accepts text of exactly the limit and keeps valid surrogate pairs", () => {
    expect(parseClientMessage("send_message", { text: "x".repeat(MAX_TEXT_LENGTH) }).ok).toBe(true);
    expect(sanitizeText("smile 😀")).toEqual({ ok: true, value: "smile 😀" });
  });

  it("counts characters as code points, not UTF-16 units", () => {
    expect(sanitizeText("😀".repeat(MAX_TEXT_LENGTH)).ok).toBe(true);
    expect(sanitizeText("😀".repeat(MAX_TEXT_LENGTH + 1)).ok).toBe(false);
  });

  it("names the offending field", () => {
    const parsed = parseClientMessage("move", { x: "1", z: 2 });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(/^x:/);
  });
});
