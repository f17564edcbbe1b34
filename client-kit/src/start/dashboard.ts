import type { MeshClient } from "@mesh/bots";
import type { ParticipantData } from "@mesh/schema";
import { h } from "../dom.ts";
import { isSignedOut, restErrorText } from "../errors.ts";
import { createRoomForm } from "./create-room.ts";
import { peopleList } from "./people.ts";
import { roomList } from "./room-list.ts";

/** How often the room list and who is online are fetched again. */
export const REFRESH_MS = 3000;

export interface DashboardOptions {
  client: MeshClient;
  me: ParticipantData;
  permissions: ReadonlySet<string>;
  /** The session is over (sign-out, or a 401 anywhere): back to the sign-in form, saying why. */
  onSignedOut(why: string): void;
}

/** The signed-in start page: who you are, the rooms and how to enter them, who is here, a new room. */
export function dashboard({ client, me, permissions, onSignedOut }: DashboardOptions): { element: HTMLElement; stop(): void } {
  const rest = client.rest;
  const error = h("p", { class: "form-error", role: "alert", id: "refresh-error" });
  const signOut = h("button", { type: "button", id: "sign-out" }, "Sign out");
  const rooms = roomList();
  const people = permissions.has("view_members") ? peopleList() : undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const ended = (caught: unknown): boolean => {
    if (!isSignedOut(caught)) return false;
    stop();
    onSignedOut("Your session has ended: sign in again.");
    return true;
  };
  const create = permissions.has("create_rooms")
    ? createRoomForm(
        rest,
        () => {
          void refresh();
        },
        ended,
      )
    : undefined;

  const element = h(
    "div",
    { class: "dashboard" },
    h(
      "header",
      { class: "top" },
      h("div", {}, h("h1", {}, "The Mesh"), h("p", { class: "lead" }, "Rooms where people and agents work side by side.")),
      h(
        "div",
        { class: "whoami", id: "whoami" },
        h("span", { class: "dim" }, "Signed in as "),
        h("strong", { class: "me-name", dir: "auto" }, me.name),
        h("span", { class: "badge role" }, me.role),
        signOut,
      ),
    ),
    error,
    h("section", { class: "card rooms-card", "aria-labelledby": "rooms-title" }, h("h2", { id: "rooms-title" }, "Rooms"), rooms.element),
    h(
      "div",
      { class: "side" },
      people ? h("section", { class: "card", "aria-labelledby": "people-title" }, h("h2", { id: "people-title" }, "Who is here"), people.element) : null,
      create ? h("section", { class: "card", "aria-labelledby": "create-title" }, h("h2", { id: "create-title" }, "Create a room"), create.element) : null,
    ),
  );

  async function refresh(): Promise<void> {
    clearTimeout(timer);
    try {
      const [listed, everyone] = await Promise.all([rest.rooms(), people ? rest.participants() : Promise.resolve(undefined)]);
      if (stopped) return;
      rooms.update(listed.rooms);
      create?.setRooms(listed.rooms);
      if (everyone) people?.update(everyone);
      error.textContent = "";
    } catch (caught) {
      if (stopped || ended(caught)) return;
      error.textContent = `Could not refresh the rooms: ${restErrorText(caught)}`;
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    try {
      await rest.logout();
    } catch (caught) {
      // A session already gone is signed out all the same; anything else is said, and we still forget it here.
      if (!isSignedOut(caught)) console.warn("logout failed", caught);
    }
    stop();
    onSignedOut("You have signed out.");
  });

  function stop(): void {
    stopped = true;
    clearTimeout(timer);
  }

  void refresh();
  return { element, stop };
}
