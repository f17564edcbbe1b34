import { matchMaker } from "@colyseus/core";
import { ROOM_TYPE } from "@mesh/schema";

/** Start the Colyseus room for a stored mesh room, so joins find it and REST sends reach it. */
export async function openRoom(roomId: string): Promise<void> {
  await matchMaker.createRoom(ROOM_TYPE, { room: roomId });
}
