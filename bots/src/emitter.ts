export type Listener<T extends unknown[]> = (...args: T) => void;

/** A typed listener set: `on` returns the function that removes the listener. */
export class Emitter<T extends unknown[]> {
  private readonly listeners = new Set<Listener<T>>();

  on(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...args: T): void {
    for (const listener of this.listeners) listener(...args);
  }

  get size(): number {
    return this.listeners.size;
  }
}
