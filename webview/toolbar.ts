// Search, filters, zoom and live-follow controls.
import { el } from './dom.ts';
import type { Filters } from './ui-state.ts';

export interface ToolbarCallbacks {
  search: (text: string) => void;
  filter: (f: Partial<Filters>) => void;
  zoom: (factor: number | 'fit') => void;
  follow: (on: boolean) => void;
}

export class Toolbar {
  readonly searchBox: HTMLInputElement;
  private readonly hideSettled: HTMLInputElement;
  private readonly hideLibs: HTMLInputElement;
  private readonly followBtn: HTMLButtonElement;

  constructor(host: HTMLElement, cb: ToolbarCallbacks) {
    this.searchBox = el('input', 'search');
    this.searchBox.type = 'search';
    this.searchBox.placeholder = 'Search tasks by name';
    this.searchBox.setAttribute('aria-label', 'Search tasks by name');
    let timer = 0;
    this.searchBox.addEventListener('input', () => { clearTimeout(timer); timer = window.setTimeout(() => cb.search(this.searchBox.value), 120); });
    const check = (label: string, onChange: (v: boolean) => void): [HTMLLabelElement, HTMLInputElement] => {
      const l = el('label', 'check');
      const c = el('input');
      c.type = 'checkbox';
      c.addEventListener('change', () => onChange(c.checked));
      l.append(c, document.createTextNode(label));
      return [l, c];
    };
    const [l1, c1] = check('Hide settled', (v) => cb.filter({ hideSettled: v }));
    const [l2, c2] = check('Hide node_modules & internals', (v) => cb.filter({ hideLibraries: v }));
    this.hideSettled = c1; this.hideLibs = c2;
    const button = (text: string, label: string, on: () => void) => {
      const b = el('button', 'icon-button', text);
      b.title = label; b.setAttribute('aria-label', label);
      b.addEventListener('click', on);
      return b;
    };
    this.followBtn = button('❚❚ Pause', 'Stop following the live edge', () => cb.follow(this.followBtn.getAttribute('aria-pressed') !== 'true'));
    this.followBtn.classList.add('follow');
    const tools = el('span', 'tools');
    tools.append(button('−', 'Zoom out', () => cb.zoom(1 / 2)), button('+', 'Zoom in', () => cb.zoom(2)), button('⤢', 'Show the whole run', () => cb.zoom('fit')), this.followBtn);
    host.append(this.searchBox, l1, l2, el('span', 'spacer'), tools);
  }

  sync(filters: Filters, search: string, live: boolean, follow: boolean): void {
    this.hideSettled.checked = filters.hideSettled;
    this.hideLibs.checked = filters.hideLibraries;
    if (document.activeElement !== this.searchBox && this.searchBox.value !== search) this.searchBox.value = search;
    this.followBtn.hidden = !live;
    this.followBtn.setAttribute('aria-pressed', String(follow));
    this.followBtn.textContent = follow ? '❚❚ Pause' : '▶ Follow live';
    this.followBtn.title = follow ? 'Stop following the live edge' : 'Follow the live edge';
  }
}
