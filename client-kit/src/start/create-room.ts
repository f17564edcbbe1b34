import type { MeshRest, RoomListing } from "@mesh/bots";
import { EXIT_DIRECTIONS, type RoomData } from "@mesh/schema";
import { h } from "../dom.ts";
import { restErrorText } from "../errors.ts";

const ROOM_ID = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Create a room (create_rooms): id, name, topic and one optional exit to a room you can see.
 * The server checks everything again; this form only catches what it can say sooner.
 */
export function createRoomForm(
  rest: MeshRest,
  onCreated: (room: RoomData) => void,
  onSignedOut: (error: unknown) => boolean,
): { element: HTMLElement; setRooms(rooms: RoomListing[]): void } {
  const id = h("input", { id: "room-id", name: "id", required: true, maxlength: 64, placeholder: "e.g. workshop", spellcheck: "false" });
  const name = h("input", { id: "room-name", name: "name", required: true, maxlength: 100, placeholder: "e.g. The Workshop" });
  const topic = h("input", { id: "room-topic", name: "topic", maxlength: 500, placeholder: "What is it for? (optional)" });
  const direction = h("select", { id: "room-exit-dir", name: "exitDirection", "aria-label": "Exit direction" }, ...EXIT_DIRECTIONS.map((d) => h("option", { value: d }, d)));
  const target = h("select", { id: "room-exit-to", name: "exitTo", "aria-label": "Exit leads to" }, h("option", { value: "" }, "no exit"));
  const error = h("p", { class: "form-error", role: "alert", id: "create-error" });
  const done = h("p", { class: "form-ok", role: "status", id: "create-done" });
  const submit = h("button", { type: "submit", class: "primary" }, "Create room");
  const form = h(
    "form",
    { class: "grid-form", id: "create-room", novalidate: true },
    h("label", { for: "room-name" }, "Name"),
    name,
    h("label", { for: "room-id" }, "Id"),
    id,
    h("label", { for: "room-topic" }, "Topic"),
    topic,
    h("label", { for: "room-exit-dir" }, "Exit"),
    h("span", { class: "inline" }, direction, h("span", { "aria-hidden": "true" }, "→"), target),
    h("span", {}),
    h("span", { class: "inline" }, submit, done),
    h("span", {}),
    error,
  );
  // A name typed first suggests an id.
  name.addEventListener("input", () => {
    if (id.dataset.touched) return;
    id.value = name.value
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 64);
  });
  id.addEventListener("input", () => {
    id.dataset.touched = "1";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    done.textContent = "";
    const body: { id: string; name: string; topic?: string; exits?: Record<string, string> } = { id: id.value.trim(), name: name.value.trim() };
    if (!ROOM_ID.test(body.id)) return fail("The id is lowercase letters, digits, '_' and '-', starting with a letter or digit.", id);
    if (!body.name) return fail("Give the room a name.", name);
    if (topic.value.trim()) body.topic = topic.value.trim();
    if (target.value) body.exits = { [direction.value]: target.value };
    submit.disabled = true;
    try {
      const room = await rest.request<RoomData>("POST", "/api/rooms", body);
      form.reset();
      delete id.dataset.touched;
      done.textContent = `Room '${room.name}' created.`;
      onCreated(room);
    } catch (caught) {
      if (!onSignedOut(caught)) fail(restErrorText(caught), id);
    } finally {
      submit.disabled = false;
    }
  });
  function fail(text: string, field: HTMLElement): void {
    error.textContent = text;
    field.focus();
  }
  let shown = "";
  return {
    element: form,
    setRooms(rooms) {
      const key = JSON.stringify(rooms.map((r) => [r.id, r.name]));
      if (key === shown) return;
      shown = key;
      const chosen = target.value;
      // An <option> holds only text: the name goes between FSI and PDI (U+2068, U+2069), which end any override inside it.
      target.replaceChildren(h("option", { value: "" }, "no exit"), ...rooms.map((r) => h("option", { value: r.id }, `\u2068${r.name}\u2069 (${r.id})`)));
      target.value = rooms.some((r) => r.id === chosen) ? chosen : "";
    },
  };
}
