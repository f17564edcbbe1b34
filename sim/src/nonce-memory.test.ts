import { describe, expect, it } from "vitest";
import { NonceMemory } from "./nonce-memory.ts";

describe("NonceMemory", () => {
  it("remembers the latest entries and forgets the oldest beyond its limit", () => {
    const memory = new NonceMemory(3);
    for (let seq = 1; seq <= 5; seq++) memory.remember("a", `n${seq}`, seq);
    expect(memory.get("a", "n1")).toBeUndefined();
    expect(memory.get("a", "n2")).toBeUndefined();
    expect(memory.get("a", "n3")).toBe(3);
    expect(memory.get("a", "n5")).toBe(5);
    expect(memory.entries()).toEqual([
      ["a", "n3", 3],
      ["a", "n4", 4],
      ["a", "n5", 5],
    ]);
  });

  it("stays bounded over a long run", () => {
    const memory = new NonceMemory(100);
    for (let seq = 1; seq <= 10_000; seq++) memory.remember(`p${seq % 7}`, `n${seq}`, seq);
    expect(memory.size).toBe(100);
    expect(memory.get("p0", "n9996")).toBe(9996);
    expect(memory.get("p1", "n9800")).toBeUndefined();
  });

  it("forgets entries after a rewound seq, so they can be numbered again", () => {
    const memory = new NonceMemory(10);
    for (let seq = 1; seq <= 6; seq++) memory.remember("a", `n${seq}`, seq);
    memory.forgetAfter(4);
    expect(memory.get("a", "n5")).toBeUndefined();
    expect(memory.get("a", "n4")).toBe(4);
    memory.remember("a", "n5", 5);
    expect(memory.entries().map((e) => e[2])).toEqual([1, 2, 3, 4, 5]);
  });
});
