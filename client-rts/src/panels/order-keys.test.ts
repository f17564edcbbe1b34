import { describe, expect, it } from "vitest";
import { groupsText, type KeyLike, orderForKey, selectionText } from "./order-keys.ts";

const key = (k: string, more: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: { tagName: "BODY" }, ...more });

describe("order hotkeys", () => {
  it("maps M F S Y T to the orders, either case", () => {
    expect(["m", "f", "s", "y", "t", "M"].map((k) => orderForKey(key(k)))).toEqual(["move", "follow", "stop", "say", "task", "move"]);
    expect(orderForKey(key("x"))).toBeUndefined();
    expect(orderForKey(key("1"))).toBeUndefined();
  });

  it("leaves keys typed into a field, and Ctrl/Meta/Alt shortcuts, alone", () => {
    expect(orderForKey(key("m", { target: { tagName: "INPUT" } }))).toBeUndefined();
    expect(orderForKey(key("m", { target: { tagName: "TEXTAREA" } }))).toBeUndefined();
    expect(orderForKey(key("s", { target: { tagName: "DIV", isContentEditable: true } }))).toBeUndefined();
    expect(orderForKey(key("s", { ctrlKey: true }))).toBeUndefined();
    expect(orderForKey(key("f", { metaKey: true }))).toBeUndefined();
    expect(orderForKey(key("t", { altKey: true }))).toBeUndefined();
    expect(orderForKey(key("m", { target: { tagName: "INPUT", type: "search" } }))).toBeUndefined();
    expect(orderForKey(key("m", { target: { tagName: "SELECT" } }))).toBeUndefined();
    expect(orderForKey(key("m", { target: { tagName: "BUTTON" } }))).toBe("move");
    // A bot's Select box takes no typing: S on it stops the selection.
    expect(orderForKey(key("s", { target: { tagName: "INPUT", type: "checkbox" } }))).toBe("stop");
  });
});

describe("selection words", () => {
  it("names what is selected, the first few by name", () => {
    expect(selectionText(["Bot-7", "Scout"])).toBe("2 selected: Bot-7, Scout");
    expect(selectionText(["a", "b", "c", "d", "e", "f"])).toBe("6 selected: a, b, c, d and 2 more");
    expect(selectionText([])).toMatch(/select your bots first/);
  });

  it("lists the control groups in use", () => {
    const sizes: Record<number, number> = { 1: 2, 3: 1 };
    expect(groupsText((n) => sizes[n] ?? 0)).toEqual(["1: 2 bots", "3: 1 bot"]);
  });
});
