// Canvas colours come from the same CSS custom properties as the DOM (styles.css maps --ls-* onto
// --vscode-* with standalone fallbacks), so the timeline follows VS Code's theme. Re-read on theme change.
export interface Palette {
  bg: string; fg: string; muted: string; grid: string; laneAlt: string; selection: string; selectionFg: string; focus: string;
  pending: string; resolved: string; rejected: string; cancelled: string; group: string; run: string;
  block: string; blockFg: string; loopRun: string;
  font: string;
}

const KEYS: Record<keyof Omit<Palette, 'font'>, string> = {
  bg: '--ls-bg', fg: '--ls-fg', muted: '--ls-muted', grid: '--ls-grid', laneAlt: '--ls-lane-alt',
  selection: '--ls-selection', selectionFg: '--ls-selection-fg', focus: '--ls-focus',
  pending: '--ls-pending', resolved: '--ls-resolved', rejected: '--ls-rejected', cancelled: '--ls-cancelled',
  group: '--ls-group', run: '--ls-run', block: '--ls-block', blockFg: '--ls-block-fg', loopRun: '--ls-loop-run',
};

export function readPalette(root: Element = document.body): Palette {
  const cs = getComputedStyle(root);
  const out = {} as Palette;
  for (const [k, v] of Object.entries(KEYS)) (out as unknown as Record<string, string>)[k] = cs.getPropertyValue(v).trim() || '#888';
  const size = cs.getPropertyValue('--vscode-editor-font-size').trim() || '12px';
  const family = cs.getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif';
  out.font = `${/^\d+$/.test(size) ? size + 'px' : size} ${family}`;
  return out;
}

export type ThemeKind = 'light' | 'dark' | 'high-contrast';

/** Standalone pages have no VS Code body classes: mark the body with one so styles.css can pick fallbacks. */
export function applyStandaloneTheme(kind: ThemeKind | undefined): void {
  const b = document.body;
  if (b.classList.contains('vscode-light') || b.classList.contains('vscode-dark') || b.classList.contains('vscode-high-contrast')) return;
  const k = kind ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  b.dataset.theme = k;
}

/** Calls `onChange` when VS Code swaps the theme (it rewrites body classes and inline variables) or the OS scheme flips. */
export function watchTheme(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class', 'style', 'data-theme'] });
  new MutationObserver(onChange).observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (document.body.dataset.theme && document.body.dataset.themeFixed !== '1') applyStandaloneTheme(undefined);
    onChange();
  });
}
