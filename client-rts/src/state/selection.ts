/**
 * Which of your agents are selected, and the control groups (Ctrl+1..9 to set, 1..9 to recall).
 * Pure: the scene (clicks, box-select) and the panels (bot list, order bar, keys) both change it
 * and both listen. Only ids `selectable` allows get in: your own bots (or ones you manage).
 */
export class Selection {
  private readonly ids = new Set<string>();
  private readonly groups = new Map<number, string[]>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly selectable: (id: string) => boolean) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }

  /** Selected ids, in the order they were selected. */
  list(): string[] {
    return [...this.ids];
  }

  /** Replace the selection (a click, a box); `add` keeps what was selected (shift). Unselectable ids are left out. */
  select(ids: Iterable<string>, add = false): void {
    if (!add) this.ids.clear();
    for (const id of ids) if (this.selectable(id)) this.ids.add(id);
    this.changed();
  }

  /** Shift-click on one: in if out, out if in. */
  toggle(id: string): void {
    if (this.ids.has(id)) this.ids.delete(id);
    else if (this.selectable(id)) this.ids.add(id);
    this.changed();
  }

  clear(): void {
    if (this.ids.size === 0) return;
    this.ids.clear();
    this.changed();
  }

  /** Someone left the room: they leave the selection (and stay in their groups, for when they come back). */
  forget(id: string): void {
    if (this.ids.delete(id)) this.changed();
  }

  /** Ctrl+n: group n is the selection now. */
  setGroup(n: number, ids = this.list()): void {
    this.groups.set(n, [...ids]);
    this.changed();
  }

  /** n: select group n (those of it still selectable); returns how many were selected. */
  recall(n: number, present: (id: string) => boolean = () => true): number {
    const group = this.groups.get(n) ?? [];
    this.select(group.filter(present));
    return this.ids.size;
  }

  group(n: number): readonly string[] {
    return this.groups.get(n) ?? [];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
