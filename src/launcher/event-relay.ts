// A list of listeners that holds what is emitted before the first one registers, so a caller that
// subscribes "late" (after an await) still receives everything, in order.
export class EventRelay<T> {
  private readonly listeners: Array<(value: T) => void> = [];
  private held: T[] = [];

  on(listener: (value: T) => void): void {
    this.listeners.push(listener);
    if (this.listeners.length === 1 && this.held.length > 0) {
      const held = this.held;
      this.held = [];
      for (const v of held) listener(v);
    }
  }

  emit(value: T): void {
    if (this.listeners.length === 0) { this.held.push(value); return; }
    for (const l of this.listeners) l(value);
  }
}
