import { type ExitDirection, exitAt } from "@mesh/schema";

/**
 * Decides when walking takes you through an exit. You arrive just inside a doorway, so the
 * trigger arms only once you have stood outside every doorway; then stepping into one fires once.
 */
export class ExitTrigger {
  private armed = false;
  private fired = false;

  constructor(
    private readonly exits: Partial<Record<string, string>>,
    private readonly width: number,
    private readonly depth: number,
  ) {}

  /** Your latest position; the exit to take, once, when you walk into its doorway. */
  update(x: number, z: number): ExitDirection | undefined {
    if (this.fired) return undefined;
    const exit = exitAt(x, z, this.exits, this.width, this.depth);
    if (!this.armed) {
      if (exit === undefined) this.armed = true;
      return undefined;
    }
    if (exit === undefined) return undefined;
    this.fired = true;
    return exit;
  }

  get isArmed(): boolean {
    return this.armed;
  }
}
