import type { SayInput } from "./types.ts";

/** A say input with test defaults; only for tests. */
export const sayInput = (participantId: string, nonce: string, text = "hi"): SayInput => ({
  kind: "say",
  participantId,
  id: `m-${participantId}-${nonce}-${text}`,
  authorName: participantId,
  text,
  threadId: "",
  to: "",
  nonce,
  trust: "local",
  ts: 1_700_000_000_000,
  attachments: [],
});
