import type { MessageData } from "@mesh/schema";
import type { PersonView } from "./world.ts";

/** A room message from Bob for tests; `extra` overrides any field. */
export function testMessage(id: string, extra: Partial<MessageData> = {}): MessageData {
  return {
    id,
    roomId: "lobby",
    seq: 1,
    authorId: "u-bob",
    authorName: "Bob",
    text: "hello",
    threadId: "",
    to: "",
    ts: 1,
    editedTs: 0,
    deleted: false,
    trust: "member" as MessageData["trust"],
    nonce: "",
    reactions: {},
    attachments: [],
    pinned: false,
    locked: false,
    ...extra,
  };
}

/** Someone standing still, online, for tests. */
export function testPerson(id: string, name: string, x: number, z: number, extra: Partial<PersonView> = {}): PersonView {
  return { id, name, kind: "human", x, z, heading: 0, moving: false, status: "online", typing: false, ownerId: "", ...extra };
}
