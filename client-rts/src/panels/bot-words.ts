import type { BotInfo, BotRunState } from "@mesh/schema";

/** The reference bots a commander can spawn from the page (the server's REFERENCE_BOT_NAMES). */
export const REFERENCE_PROGRAMS = ["orderly", "wanderer", "greeter", "mention"] as const;
export type ReferenceProgram = (typeof REFERENCE_PROGRAMS)[number];

/** What each reference bot does, one line for the spawn form. */
export const PROGRAM_WORDS: Record<ReferenceProgram, string> = {
  orderly: "walks where it is ordered, follows, and reports on its tasks",
  wanderer: "strolls around the room on its own",
  greeter: "greets whoever arrives",
  mention: "answers when someone names it",
};

/** The dot's colour class: good, busy, bad or off. */
export type StatusTone = "ok" | "warn" | "bad" | "off";

/** A bot's run state in words, with the tone of its dot. */
export function statusWords(state: BotRunState): { text: string; tone: StatusTone } {
  switch (state) {
    case "running":
      return { text: "running", tone: "ok" };
    case "starting":
      return { text: "starting", tone: "warn" };
    case "backoff":
      return { text: "restarting (backoff)", tone: "warn" };
    case "crash_looping":
      return { text: "crash-looping", tone: "bad" };
    case "failed":
      return { text: "failed", tone: "bad" };
    case "stopped":
      return { text: "stopped", tone: "off" };
  }
}

/** Whether Start or Stop is the useful button now: a stopped, failed or crash-looping bot starts; the rest stop. */
export function canStart(bot: Pick<BotInfo, "status">): boolean {
  const state = bot.status.state;
  return state === "stopped" || state === "failed" || state === "crash_looping";
}

/** The server's name rule for bots (usernameSchema): 3–32 of letters, digits, '_', '.', '-'. */
export function botNameProblem(name: string): string | undefined {
  if (name.length < 3) return "A bot's name needs at least 3 characters.";
  if (name.length > 32) return "A bot's name has at most 32 characters.";
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) return "A bot's name may hold only letters, digits, '_', '.' and '-'.";
  return undefined;
}

/** `program-N` with the lowest N ≥ 1 that no name in `taken` holds (compared without case, as the server does). */
export function defaultBotName(program: string, taken: Iterable<string>): string {
  const used = new Set<string>();
  for (const name of taken) used.add(name.toLowerCase());
  for (let n = 1; ; n++) {
    const name = `${program}-${n}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}
