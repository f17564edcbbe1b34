/**
 * An order waiting for its target: after "Move" (M) the next floor click is where, after "Follow"
 * (F) the next unit click is whom. The order bar sets it; the scene reads it on a left click and
 * clears it. Right-click orders need no mode (floor → move_to, a unit → follow).
 */
export type PendingOrder = "none" | "move" | "follow";

export class OrderMode {
  private current: PendingOrder = "none";
  private readonly listeners = new Set<(mode: PendingOrder) => void>();

  get value(): PendingOrder {
    return this.current;
  }

  set(mode: PendingOrder): void {
    if (mode === this.current) return;
    this.current = mode;
    for (const listener of this.listeners) listener(mode);
  }

  onChange(listener: (mode: PendingOrder) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
