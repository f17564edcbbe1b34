import { connect, type MeshClient, MeshJoinError, MeshRestError, type MeshRoom } from "@mesh/bots";
import { type ExitDirection, JoinErrorCode, type ParticipantData, type RoomData } from "@mesh/schema";
import { h } from "./dom.ts";
import { isRoomId } from "./room-id.ts";
import { sendToSignIn, storedToken, takeHash, useTokenForTab } from "./session.ts";

/** A room as a client page shows it: its floor, its exits (only those the viewer may take), who is in it. */
export type RoomInfo = RoomData & { online: number };

/** What a client page works with once signed in and in a room. */
export interface ClientSession {
  client: MeshClient;
  me: ParticipantData;
  permissions: ReadonlySet<string>;
  token: string;
}

export class RoomUnavailable extends Error {
  override name = "RoomUnavailable";
}

/**
 * Signs the page in: a `#token=` in the address (then removed from it), else the stored token.
 * No token, or one the server refuses, sends the browser to the start page to sign in, saying why.
 */
export async function signIn(): Promise<{ session: ClientSession; roomId: string }> {
  const hash = takeHash();
  if (hash.token) useTokenForTab(hash.token);
  const token = storedToken();
  if (!token) sendToSignIn("Sign in to enter The Mesh.");
  const client = connect({ url: location.origin, token });
  let me: Awaited<ReturnType<MeshClient["rest"]["me"]>>;
  try {
    me = await client.rest.me();
  } catch (error) {
    if (error instanceof MeshRestError && error.status === 401) sendToSignIn("Your session has ended or the link's token is not valid: sign in again.");
    throw error;
  }
  return {
    session: { client, me: me.participant, permissions: new Set(me.permissions), token },
    roomId: hash.room ?? "lobby",
  };
}

/**
 * Joins a room and fetches how it looks. A refusal becomes one plain sentence: an unknown room or
 * one you may not view (the server answers both alike), a kick or ban, a refused token.
 * `client` names the page to others (the join option shown by GET /api/participants).
 */
export async function enterRoom(
  session: ClientSession,
  roomId: string,
  entrance?: ExitDirection,
  client?: string,
): Promise<{ room: MeshRoom; info: RoomInfo }> {
  // The id may come from a link: anything that is not an id is neither fetched nor repeated.
  if (!isRoomId(roomId)) throw new RoomUnavailable("The address does not name a room. Room ids are lowercase letters, digits, '_' and '-'.");
  let info: RoomInfo;
  try {
    info = await session.client.rest.room(roomId);
  } catch (error) {
    if (error instanceof MeshRestError && error.status === 401) sendToSignIn("Your session has ended: sign in again.");
    if (error instanceof MeshRestError && error.status === 404) throw new RoomUnavailable(`There is no room '${roomId}', or you may not view it.`);
    throw error;
  }
  try {
    const room = await session.client.join(roomId, { ...(entrance ? { entrance } : {}), ...(client ? { client } : {}) });
    return { room, info };
  } catch (error) {
    if (error instanceof MeshJoinError) {
      if (error.unauthorized) sendToSignIn("Your session has ended: sign in again.");
      if (error.code === JoinErrorCode.UnknownRoom) throw new RoomUnavailable(`There is no room '${roomId}', or you may not view it.`);
      throw new RoomUnavailable(`You cannot enter '${roomId}': ${error.message}`);
    }
    throw error;
  }
}

/**
 * A strip that says how the connection is: hidden while open, "reconnecting…" while the SDK
 * resumes a dropped one, and what happened when the room closed for good (with a way back).
 */
export function connectionBanner(): { element: HTMLElement; follow(room: MeshRoom): () => void } {
  const element = h("div", { class: "mesh-banner", role: "status", "aria-live": "polite", hidden: true });
  const show = (text: string, tone: "warn" | "bad") => {
    element.textContent = text;
    element.dataset.tone = tone;
    element.hidden = false;
  };
  return {
    element,
    follow(room) {
      element.hidden = true;
      const off = [
        room.onDrop(() => show("Connection lost: reconnecting…", "warn")),
        room.onReconnect(() => {
          element.hidden = true;
        }),
        room.onLeave((code, reason) => {
          if (code === 1000 || code === 4000) return; // we left on purpose (another room, sign-out)
          show(`Disconnected (${code}${reason ? `: ${reason}` : ""}). Reload the page to enter again.`, "bad");
        }),
      ];
      return () => {
        for (const o of off) o();
      };
    },
  };
}

/** A whole-page message for what stops a client from starting, with a way back to the start page. */
export function showFatal(container: HTMLElement, text: string): void {
  container.replaceChildren(
    h("main", { class: "mesh-fatal", role: "alert" }, h("h1", {}, "The Mesh"), h("p", {}, text), h("p", {}, h("a", { href: "/" }, "Back to the rooms"))),
  );
}
