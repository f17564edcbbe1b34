import { describe, expect, it } from "vitest";
import { cleanLabel, emoteOf, mentionSpans, mentions, sanitizeText } from "./text.ts";
import { createRoomSchema, patchRoomSchema } from "./validate.ts";

describe("sanitizeText", () => {
  it("strips DEL and the C1 controls (U+007F–U+009F), not only C0", () => {
    expect(sanitizeText("a\u007Fb\u009Bc")).toEqual({ ok: true, value: "abc" });
    // Both ends of the range: U+0080 and U+009F go, U+00A0 (no-break space) stays.
    expect(sanitizeText("x\u0080y\u009Fz\u00A0")).toEqual({ ok: true, value: "xyz\u00A0" });
  });
});

describe("room labels (names and topics others see on their pages)", () => {
  it("keeps a label one line, without controls or direction overrides", () => {
    expect(cleanLabel("Safe\u202eroom\u0000\u0007", "name")).toEqual({ ok: true, value: "Saferoom" });
    expect(cleanLabel("line1\nline2\u2066x\u2069", "topic")).toEqual({ ok: true, value: "line1 line2x" });
    expect(cleanLabel("  The  Hall ", "name")).toEqual({ ok: true, value: "The Hall" });
  });

  it("refuses a lone surrogate and a label that cleaning leaves empty", () => {
    expect(cleanLabel("bad\ud800", "name").ok).toBe(false);
    expect(cleanLabel("\u202e\u0007", "name")).toMatchObject({ ok: false, error: { message: "name is empty" } });
  });

  it("is applied by the room schemas, create and patch alike; an empty topic clears it", () => {
    const created = createRoomSchema.parse({ id: "evil", name: "Safe\u202eroom", topic: "a\nb" });
    expect(created).toMatchObject({ name: "Saferoom", topic: "a b" });
    expect(patchRoomSchema.parse({ name: "x\u202Ey" }).name).toBe("xy");
    expect(patchRoomSchema.parse({ topic: "" }).topic).toBe("");
    expect(createRoomSchema.safeParse({ id: "evil", name: "\u202e" }).success).toBe(false);
    expect(createRoomSchema.safeParse({ id: "evil", name: "ok\udc00" }).success).toBe(false);
  });
});

describe("mentions and where they stand", () => {
  it("finds @names by one rule, for counting and for highlighting", () => {
    const text = "hi @Ann, mail ann@example.org or @bob. and @al";
    expect(mentions(text)).toEqual(["ann", "bob"]);
    const spans = mentionSpans(text);
    expect(spans.map((s) => text.slice(s.start, s.end))).toEqual(["@Ann", "@bob"]);
    expect(spans.map((s) => s.name)).toEqual(["Ann", "bob"]);
  });
});

describe("emoteOf", () => {
  it("reads '/me <action>' as an emote and anything else as speech", () => {
    expect(emoteOf("/me waves")).toBe("waves");
    expect(emoteOf("/me  dances slowly")).toBe(" dances slowly");
    for (const text of ["/me", "/me ", "/me   ", "/meow", "hello /me waves", " /me waves"]) expect(emoteOf(text), text).toBeUndefined();
  });
});
