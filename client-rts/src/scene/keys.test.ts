import { describe, expect, it } from "vitest";
import { type KeyLike, sceneKey } from "./keys.ts";

const key = (k: string, code: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe("scene keys", () => {
  it("sets control groups with Ctrl+digit and recalls them with the digit", () => {
    expect(sceneKey(key("3", "Digit3", { ctrlKey: true }))).toEqual({ kind: "set-group", group: 3 });
    expect(sceneKey(key("3", "Digit3"))).toEqual({ kind: "recall-group", group: 3 });
    // Shift+digit sets too: desktop browsers keep Ctrl+digit for their tabs.
    expect(sceneKey(key("#", "Digit3", { shiftKey: true }))).toEqual({ kind: "set-group", group: 3 });
    expect(sceneKey(key("9", "Numpad9"))).toEqual({ kind: "recall-group", group: 9 });
  });

  it("fits the room on Home or 0, cancels on Escape, pans with the arrows", () => {
    expect(sceneKey(key("0", "Digit0"))).toEqual({ kind: "home" });
    expect(sceneKey(key("Home", "Home"))).toEqual({ kind: "home" });
    expect(sceneKey(key("Escape", "Escape"))).toEqual({ kind: "escape" });
    expect(sceneKey(key("ArrowLeft", "ArrowLeft"))?.kind).toBe("pan");
  });

  it("leaves the order bar's letters and browser shortcuts alone", () => {
    for (const k of ["m", "f", "s", "y", "t", "w", "a", "d"]) expect(sceneKey(key(k, `Key${k.toUpperCase()}`))).toBeUndefined();
    expect(sceneKey(key("ArrowLeft", "ArrowLeft", { altKey: true }))).toBeUndefined();
    expect(sceneKey(key("0", "Digit0", { ctrlKey: true }))).toBeUndefined();
  });
});
