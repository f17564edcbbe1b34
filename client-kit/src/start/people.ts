import type { ParticipantListing } from "@mesh/bots";
import { h, orderRows } from "../dom.ts";

const STATUS_ORDER = { online: 0, away: 1, offline: 2 } as const;

/**
 * Who is here overall (GET /api/participants, view_members): the online and away ones listed with
 * where they are, the rest counted. Rows are keyed and updated in place like the room list.
 */
export function peopleList(): { element: HTMLElement; update(people: ParticipantListing[]): void } {
  const list = h("ul", { class: "people", "aria-label": "People online" });
  const summary = h("p", { class: "dim people-summary" });
  const element = h("div", {}, list, summary);
  const rows = new Map<string, { element: HTMLElement; shown: string }>();
  return {
    element,
    update(people) {
      const present = people
        .filter((p) => p.status !== "offline")
        .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.name.localeCompare(b.name));
      for (const person of present) {
        const shown = JSON.stringify([person.name, person.kind, person.status, person.rooms, person.role, person.clients]);
        let row = rows.get(person.id);
        if (!row || row.shown !== shown) {
          const element = h(
            "li",
            { class: `person ${person.kind}`, "data-person": person.id },
            h("span", { class: `dot ${person.status === "online" ? "ok" : "away"}`, "aria-hidden": "true" }),
            h("span", { class: "person-name", dir: "auto" }, person.name),
            h("span", { class: `badge ${person.kind}` }, person.kind === "bot" ? "bot" : "human"),
            h("span", { class: "person-status" }, person.status),
            h("span", { class: "person-rooms dim" }, person.rooms.length ? `in ${person.rooms.join(", ")}${via(person.clients)}` : ""),
          );
          if (row) row.element.replaceWith(element);
          row = { element, shown };
          rows.set(person.id, row);
        }
      }
      orderRows(
        list,
        rows,
        present.map((person) => person.id),
      );
      const offline = people.length - present.length;
      summary.textContent = `${present.length} here now${offline ? `, ${offline} offline` : ""}.`;
    },
  };
}

/** " · via 3d, term": how they are here (nothing for a bridge bot, which has no connection). */
function via(clients: readonly string[] | undefined): string {
  return clients && clients.length > 0 ? ` · via ${clients.join(", ")}` : "";
}
