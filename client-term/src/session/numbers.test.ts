import { describe, expect, it } from "vitest";
import { testMessage } from "../mud/test-world.ts";
import { MessageNumbers } from "./numbers.ts";

const message = (id: string, extra: Parameters<typeof testMessage>[1] = {}) => testMessage(id, { text: `text of ${id}`, ...extra });

describe("MessageNumbers", () => {
  it("numbers messages from 1 in the order first seen", () => {
    const numbers = new MessageNumbers();
    expect(numbers.add(message("a"))).toBe(1);
    expect(numbers.add(message("b"))).toBe(2);
    expect(numbers.get(1)?.id).toBe("a");
    expect(numbers.get(2)?.id).toBe("b");
    expect(numbers.get(3)).toBeUndefined();
    expect(numbers.get(0)).toBeUndefined();
  });

  it("keeps a message's number when it is shown again (history), holding the newer copy", () => {
    const numbers = new MessageNumbers();
    numbers.add(message("a"));
    numbers.add(message("b"));
    expect(numbers.add(message("a", { text: "edited" }))).toBe(1);
    expect(numbers.get(1)?.text).toBe("edited");
    expect(numbers.add(message("c"))).toBe(3);
  });

  it("update replaces a known message (edits, reactions) and ignores one never numbered", () => {
    const numbers = new MessageNumbers();
    numbers.add(message("a"));
    numbers.update(message("a", { reactions: { "👍": ["u-ann"] } }));
    expect(numbers.get(1)?.reactions).toEqual({ "👍": ["u-ann"] });
    numbers.update(message("z"));
    expect(numbers.add(message("z"))).toBe(2);
  });

  it("remembers the last 1000: the oldest number goes, and that message gets a new number if seen again", () => {
    const numbers = new MessageNumbers();
    for (let i = 1; i <= 1000; i++) numbers.add(message(`m${i}`));
    expect(numbers.get(1)?.id).toBe("m1");
    expect(numbers.add(message("m1001"))).toBe(1001);
    expect(numbers.get(1)).toBeUndefined();
    expect(numbers.get(2)?.id).toBe("m2");
    expect(numbers.get(1001)?.id).toBe("m1001");
    expect(numbers.add(message("m2"))).toBe(2);
    expect(numbers.add(message("m1"))).toBe(1002);
    expect(numbers.get(2)).toBeUndefined();
    expect(numbers.get(1002)?.id).toBe("m1");
  });

  it("remembers the name each author last wrote under", () => {
    const numbers = new MessageNumbers();
    expect(numbers.authorName("u-bob")).toBeUndefined();
    numbers.add(message("a"));
    expect(numbers.authorName("u-bob")).toBe("Bob");
    numbers.add(message("b", { authorName: "Robert" }));
    expect(numbers.authorName("u-bob")).toBe("Robert");
  });
});
