import type { MessageData } from "@mesh/schema";

/** A stored message for unit tests: room message `seq`, or a DM when `to` is given. */
export function testMessage(seq: number, fields: Partial<MessageData> = {}): MessageData {
  return {
    id: fields.to ? `d-${fields.authorId ?? "a"}-${fields.to}-${seq}` : `m${seq}`,
    roomId: "r",
    seq,
    authorId: "a",
    authorName: "a",
    text: `text ${seq}`,
    threadId: "",
    to: "",
    ts: seq,
    editedTs: 0,
    deleted: false,
    trust: "local",
    nonce: "",
    reactions: {},
    attachments: [],
    pinned: false,
    locked: false,
    ...fields,
  };
}
