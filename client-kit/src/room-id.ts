import { roomIdSchema } from "@mesh/schema";

/**
 * Whether `text` can be a room id, by the server's own rule (roomIdSchema). Ids come from the
 * address (`#room=`), which anyone can write into a link: only a real id is ever asked for or
 * repeated back on the page, so a link cannot make the page say sentences of its choosing
 * ("your session expired, sign in at …").
 */
export function isRoomId(text: string): boolean {
  return roomIdSchema.safeParse(text).success;
}
