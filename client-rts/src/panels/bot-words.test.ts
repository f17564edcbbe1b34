import type { BotRunState } from "@mesh/schema";
import { describe, expect, it } from "vitest";
import { botNameProblem, canStart, defaultBotName, statusWords } from "./bot-words.ts";

const status = (state: BotRunState) => ({ status: { state, restarts: 0 } });

describe("bot status in words", () => {
  it("says each run state as a person would, with a dot colour", () => {
    expect(statusWords("running")).toEqual({ text: "running", tone: "ok" });
    expect(statusWords("starting")).toEqual({ text: "starting", tone: "warn" });
    expect(statusWords("backoff")).toEqual({ text: "restarting (backoff)", tone: "warn" });
    expect(statusWords("crash_looping")).toEqual({ text: "crash-looping", tone: "bad" });
    expect(statusWords("failed")).toEqual({ text: "failed", tone: "bad" });
    expect(statusWords("stopped")).toEqual({ text: "stopped", tone: "off" });
  });

  it("offers Start for a bot that is not running or trying to, Stop otherwise", () => {
    expect(canStart(status("stopped"))).toBe(true);
    expect(canStart(status("failed"))).toBe(true);
    expect(canStart(status("crash_looping"))).toBe(true);
    expect(canStart(status("running"))).toBe(false);
    expect(canStart(status("starting"))).toBe(false);
    expect(canStart(status("backoff"))).toBe(false);
  });
});

describe("bot names", () => {
  it("suggests program-N with the lowest free N, ignoring case as the server does", () => {
    expect(defaultBotName("orderly", [])).toBe("orderly-1");
    expect(defaultBotName("orderly", ["Orderly-1", "orderly-2", "wanderer-3"])).toBe("orderly-3");
    expect(defaultBotName("greeter", ["orderly-1"])).toBe("greeter-1");
  });

  it("refuses what the server's name rule refuses, in words", () => {
    expect(botNameProblem("orderly-1")).toBeUndefined();
    expect(botNameProblem("ab")).toMatch(/at least 3/);
    expect(botNameProblem("x".repeat(33))).toMatch(/at most 32/);
    expect(botNameProblem("my bot")).toMatch(/only letters, digits/);
    expect(botNameProblem("<img>")).toMatch(/only letters, digits/);
  });
});
