import { describe, expect, it } from "vitest";
import { layoutRooms } from "./graph-layout.ts";

const cellOf = (layout: ReturnType<typeof layoutRooms>, id: string) => {
  const node = layout.nodes.find((n) => n.id === id);
  return node ? [node.col, node.row] : undefined;
};

describe("room graph layout", () => {
  it("puts north above, south below, east right and west left of the room you are in", () => {
    const layout = layoutRooms(
      [
        { id: "lobby", exits: { north: "library", south: "garden", east: "hall", west: "cellar" } },
        { id: "library", exits: { south: "lobby" } },
        { id: "garden", exits: { north: "lobby" } },
        { id: "hall", exits: { west: "lobby" } },
        { id: "cellar", exits: { east: "lobby" } },
      ],
      "lobby",
    );
    expect(cellOf(layout, "lobby")).toEqual([1, 1]);
    expect(cellOf(layout, "library")).toEqual([1, 0]);
    expect(cellOf(layout, "garden")).toEqual([1, 2]);
    expect(cellOf(layout, "hall")).toEqual([2, 1]);
    expect(cellOf(layout, "cellar")).toEqual([0, 1]);
    expect([layout.cols, layout.rows]).toEqual([3, 3]);
    // Two-way exits are one line each.
    expect(layout.edges).toHaveLength(4);
  });

  it("gives every room its own cell, even when exits disagree, and places rooms no exit reaches", () => {
    const layout = layoutRooms(
      [
        { id: "a", exits: { east: "b", north: "c" } },
        { id: "b", exits: { north: "c" } },
        { id: "c", exits: { east: "a" } },
        { id: "island", exits: {} },
        { id: "d", exits: { east: "gone" } },
      ],
      "a",
    );
    expect(layout.nodes.map((n) => n.id).sort()).toEqual(["a", "b", "c", "d", "island"]);
    const cells = new Set(layout.nodes.map((n) => `${n.col},${n.row}`));
    expect(cells.size).toBe(5);
    // An exit to a room not listed draws no line.
    expect(layout.edges.some((e) => e.to === "gone")).toBe(false);
    // Reading order: top row first, left to right.
    const order = layout.nodes.map((n) => n.row * 100 + n.col);
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it("starts from the first room when the one you are in is not listed", () => {
    const layout = layoutRooms([{ id: "x", exits: { south: "y" } }, { id: "y", exits: {} }], "nowhere");
    expect(cellOf(layout, "x")).toEqual([0, 0]);
    expect(cellOf(layout, "y")).toEqual([0, 1]);
  });
});
