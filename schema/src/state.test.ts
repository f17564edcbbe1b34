import { describe, expect, it } from "vitest";
import { type MessageData, messageFromData, messageToData } from "./state.ts";

describe("message data and synced messages", () => {
  it("round-trip every field, reactions included", () => {
    const data: MessageData = {
      id: "m1",
      roomId: "lobby",
      seq: 7,
      authorId: "u1",
      authorName: "alice",
      text: "hi",
      threadId: "t1",
      to: "",
      ts: 1700000000123.5,
      editedTs: 0,
      deleted: false,
      trust: "owner",
      nonce: "n1",
      reactions: { "👍": ["u2", "u3"] },
      attachments: [{ id: "up1", name: "a.png", type: "image/png", size: 10 }],
      pinned: true,
      locked: false,
    };
    const synced = messageFromData(data);
    expect(synced.seq).toBe(7);
    expect(synced.reactions.get("👍")?.by.length).toBe(2);
    expect(messageToData(synced, "lobby")).toEqual(data);
  });
});
