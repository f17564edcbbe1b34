import type { MeshRoom } from "@mesh/bots";
import { type ErrorPayload, type MessageData, messageToData } from "@mesh/schema";
import { expect } from "vitest";
import { errorsOf, registerUser, type TestUser, ticksPass, waitFor } from "./harness.ts";

/** A user in a room, with every error the server has sent their socket there. */
export interface Seat {
  user: TestUser;
  room: MeshRoom;
  errors: ErrorPayload[];
}

/** Register `name`, give it `role` (set by `owner`) if asked, and join `roomId`. */
export async function takeSeat(url: string, name: string, role?: { role: string; by: TestUser }, roomId = "lobby"): Promise<Seat> {
  const user = await registerUser(url, name);
  if (role) await role.by.rest.request("PUT", `/api/participants/${user.participant.id}/role`, { role: role.role });
  const room = await user.client.join(roomId);
  return { user, room, errors: errorsOf(room) };
}

/** A room message as the seat's synced state shows it now (undefined outside the window). */
export function shown(seat: Seat, id: string): MessageData | undefined {
  const m = seat.room.state.messages.find((message) => message.id === id);
  return m ? messageToData(m, seat.room.roomId) : undefined;
}

/** Do `act` and return the one error it earns `seat`; the other seats hear nothing, ticks later. */
export async function refusal(seats: readonly Seat[], seat: Seat, act: () => void): Promise<ErrorPayload> {
  const before = seats.map((other) => other.errors.length);
  const mine = before[seats.indexOf(seat)];
  act();
  await waitFor("an error", () => seat.errors.length > mine);
  await ticksPass(seat.room, 2);
  for (const [i, other] of seats.entries()) {
    expect(other.errors.length, other.user.participant.name).toBe(before[i] + (other === seat ? 1 : 0));
  }
  return seat.errors[mine];
}
