import { describe, expect, it } from "vitest";
import { capLines } from "./line-cap.ts";

async function through(chunks: string[], max: number): Promise<{ out: string; cuts: number }> {
  let cuts = 0;
  const cap = capLines(max, () => cuts++);
  let out = "";
  cap.on("data", (d: Buffer) => (out += d.toString("utf8")));
  for (const chunk of chunks) cap.write(Buffer.from(chunk, "utf8"));
  cap.end();
  await new Promise((resolve) => cap.on("end", resolve));
  return { out, cuts };
}

describe("capLines", () => {
  it("passes short lines and keystrokes through untouched", async () => {
    expect(await through(["look\r", "say hi\r\n", "\u001b[A"], 10)).toEqual({ out: "look\rsay hi\r\n\u001b[A", cuts: 0 });
  });

  it("cuts an over-long line at the cap across chunks, keeps its Enter, and says so once per line", async () => {
    expect(await through(["abcdef", "ghij\rok\r"], 4)).toEqual({ out: "abcd\rok\r", cuts: 1 });
    expect(await through(["x".repeat(100_000), "\r", "y".repeat(10), "\n"], 5)).toEqual({ out: "xxxxx\ryyyyy\n", cuts: 2 });
  });

  it("never splits a character that arrives in two chunks", async () => {
    const snowman = Buffer.from("☃", "utf8");
    let out = "";
    const cap = capLines(10, () => {});
    cap.on("data", (d: Buffer) => (out += d.toString("utf8")));
    cap.write(snowman.subarray(0, 1));
    cap.write(snowman.subarray(1));
    cap.end();
    await new Promise((resolve) => cap.on("end", resolve));
    expect(out).toBe("☃");
  });
});
