import type { Participant } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { AvatarModel } from "@mesh/client-kit";
import { BubbleBoard } from "./bubbles.ts";

const person = (id: string, x = 0, z = 0, extra: Partial<Participant> = {}) =>
  ({ id, name: id, kind: "human", ownerId: "", x, z, heading: 0, typing: false, ...extra }) as unknown as Participant;

describe("AvatarModel", () => {
  it("keeps live avatars dense, reuses freed slots and interpolates from the SDK's callbacks", () => {
    let now = 0;
    const model = new AvatarModel("a", () => now);
    const events: string[] = [];
    model.listen({ added: (s) => events.push(`+${s}`), removed: (s) => events.push(`-${s}`), relabelled: (s) => events.push(`~${s}`) });
    model.add(person("a"));
    model.add(person("b", 10, 10, { kind: "bot", ownerId: "a" }));
    model.add(person("c"));
    expect(model.count).toBe(3);
    expect(model.isBot(model.slotOf("b") as number)).toBe(true);
    model.remove(person("b"));
    expect(model.count).toBe(2);
    expect([...model.dense.slice(0, 2)].sort()).toEqual([0, 2]);
    model.add(person("d"));
    expect(model.slotOf("d")).toBe(1);
    now = 1000;
    model.change(person("c", 0, 0, { typing: true } as Partial<Participant>));
    expect(events).toEqual(["+0", "+1", "+2", "-1", "+1", "~2"]);
    const c = model.slotOf("c") as number;
    model.change(person("c", 2, 0, { typing: true } as Partial<Participant>));
    now = 1100;
    model.change(person("c", 4, 0, { typing: true } as Partial<Participant>));
    model.interpolate(1150); // renders at 1050: halfway between the patches at 1000 and 1100
    expect(model.drawn[c * 3]).toBeCloseTo(3);
    model.reset();
    expect(model.count).toBe(0);
    expect(model.slotOf("a")).toBeUndefined();
  });
});

describe("BubbleBoard", () => {
  it("keeps one bubble per speaker and drops it after six seconds, fading at the end", () => {
    const board = new BubbleBoard();
    board.say("a", "hi", 0);
    board.say("a", "hello", 100);
    board.say("b", "yo", 200);
    expect(board.texts()).toEqual(["hello", "yo"]);
    let seen = 0;
    board.forEach((bubble) => {
      seen++;
      expect(BubbleBoard.opacity(bubble, 5600)).toBeGreaterThan(0);
      expect(BubbleBoard.opacity(bubble, 5600)).toBeLessThan(1);
    });
    expect(seen).toBe(2);
    board.expire(6150);
    expect(board.texts()).toEqual(["yo"]);
    board.expire(6300);
    expect(board.texts()).toEqual([]);
  });
});
