// The message strip at the top: problems with the input (malformed events, a damaged report, a protocol
// mismatch), as text. A keyed message (e.g. the running count of skipped events) replaces its earlier self.
export class Banner {
  private readonly messages: string[] = [];
  private readonly keyed = new Map<string, string>();

  constructor(private readonly node: HTMLElement) {}

  show(message: string, key?: string): void {
    if (key) this.keyed.set(key, message);
    else if (!this.messages.includes(message)) this.messages.push(message);
    this.node.textContent = [...this.messages, ...this.keyed.values()].slice(-3).join('\n');
    this.node.hidden = false;
  }

  clear(): void {
    this.messages.length = 0;
    this.keyed.clear();
    this.node.textContent = '';
    this.node.hidden = true;
  }
}
