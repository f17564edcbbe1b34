/** A room id as the server makes them (roomIdSchema): lowercase letters, digits, '_' and '-', at most 64. */
const ROOM_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Whether `text` can be a room id. Ids come from the address (`#room=`), which anyone can write
 * into a link: only a real id is ever asked for or repeated back on the page, so a link cannot
 * make the page say sentences of its choosing ("your session expired, sign in at …").
 */
export function isRoomId(text: string): boolean {
  return ROOM_ID.test(text);
}
