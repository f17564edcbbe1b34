/** The reference bots the controller can run (`bots/examples/<name>.ts`). */
export const REFERENCE_BOTS = {
  greeter: "welcomes whoever joins the room",
  mention: "answers when someone mentions it",
  wanderer: "walks about the room",
  orderly: "obeys every order (move_to, follow, stop, say, task) and reports its progress",
} as const;

export type ReferenceBot = keyof typeof REFERENCE_BOTS;

export const REFERENCE_BOT_NAMES = Object.keys(REFERENCE_BOTS) as ReferenceBot[];
