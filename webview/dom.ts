// Tiny DOM helpers. Every string that can come from the traced program goes through `text` (textContent),
// never innerHTML: names, paths and stack frames are untrusted.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Longest string we put on screen: a 10 MB task name must not stall layout or canvas text. */
export const MAX_TEXT = 300;

export function clip(s: string, max = MAX_TEXT): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}

export function clear(node: Element): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}
