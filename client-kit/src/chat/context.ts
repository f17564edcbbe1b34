import type { MeshRest, MeshRoom } from "@mesh/bots";
import type { MessageData, ParticipantData } from "@mesh/schema";

/** What the chat's parts read about who is looking and where; the panel keeps it current. */
export interface ChatContext {
  readonly me: ParticipantData;
  readonly rest: MeshRest;
  room: MeshRoom;
  roomId: string;
  roomName: string;
  can(permission: string): boolean;
  /** A participant's name (from the room, or as a message of theirs spelled it). */
  nameOf(participantId: string): string;
}

/** What a message's buttons ask for; the panel decides how (the composer, the room). */
export type MessageAction = "reply" | "edit" | "delete" | "react" | "jump";

/** Whether `me` may edit or delete this message (the server checks again and says no in words). */
export function mayChange(ctx: ChatContext, message: MessageData): boolean {
  if (message.deleted) return false;
  if (message.authorId === ctx.me.id) return true;
  return message.to === "" && ctx.can("manage_messages");
}
