import { type AvatarModel, h } from "@mesh/client-kit";
import { shortLabel } from "./labels.ts";
import { OrderCode, type OrderBoard } from "./orders.ts";

/**
 * A click on someone else's unit: a small card by it with their name, kind, owner and order.
 * Remote text goes in as text nodes only.
 */
export class Inspector {
  constructor(
    private readonly element: HTMLElement,
    private readonly model: AvatarModel,
    private readonly orders: OrderBoard,
    private readonly nameOf: (id: string) => string | undefined,
  ) {}

  /** Shows the card for `slot` at (x, y) in the stage, or hides it (slot -1). */
  show(slot: number, x: number, y: number): void {
    if (slot < 0) {
      this.element.hidden = true;
      return;
    }
    const { model, orders } = this;
    const bot = model.isBot(slot);
    const owner = model.ownerIds[slot];
    const lines = [
      h("p", { class: "rts-inspect-name", dir: "auto" }, shortLabel(model.names[slot] ?? "", 40)),
      h("p", { class: "rts-inspect-dim" }, bot ? `Bot of ${shortLabel(this.nameOf(owner ?? "") ?? "someone", 30)}` : "Human", model.away[slot] ? " · away" : ""),
    ];
    if (orders.codes[slot] !== OrderCode.none) {
      lines.push(h("p", {}, `Order: ${orders.kinds[slot]} · ${orders.statuses[slot]}`));
      if (orders.notes[slot]) lines.push(h("p", { class: "rts-inspect-dim", dir: "auto" }, shortLabel(orders.notes[slot], 60)));
    }
    lines.push(h("p", { class: "rts-inspect-dim" }, "Not yours to command"));
    this.element.replaceChildren(...lines);
    this.element.hidden = false;
    this.element.style.transform = `translate(${Math.round(x + 16)}px, ${Math.round(y + 12)}px)`;
  }
}
