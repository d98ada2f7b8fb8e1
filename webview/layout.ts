// The page skeleton: toolbar, tree beside timeline (rows and lanes line up), blocking list beside details.
import { el } from './dom.ts';
import { AXIS_H, LOOP_H } from './timeline/draw.ts';

export interface Layout {
  banner: HTMLElement;
  toolbar: HTMLElement;
  treeHeader: HTMLElement;
  treeHost: HTMLElement;
  timelineHost: HTMLElement;
  bottom: HTMLElement;
  status: HTMLElement;
  locationOut: HTMLElement;
}

export function buildLayout(root: HTMLElement): Layout {
  root.textContent = '';
  root.className = 'loopscope';
  const banner = el('div', 'banner');
  banner.setAttribute('role', 'alert');
  banner.hidden = true;
  const toolbar = el('div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'Loopscope');
  const main = el('div', 'main');
  const treePane = el('section', 'tree-pane pane');
  treePane.setAttribute('aria-label', 'Task tree');
  const treeHeader = el('div', 'tree-header');
  // The header is exactly as tall as the axis + event-loop lane, so tree rows and timeline lanes line up.
  treeHeader.style.height = `${AXIS_H + LOOP_H}px`;
  treeHeader.append(el('div', 'tree-title', 'Tasks'), el('div', 'loop-label', 'Event loop'));
  (treeHeader.lastChild as HTMLElement).style.height = `${LOOP_H}px`;
  const treeHost = el('div', 'tree-host');
  treePane.append(treeHeader, treeHost);
  const splitter = el('div', 'splitter');
  const timelineHost = el('section', 'timeline-pane pane');
  timelineHost.setAttribute('aria-label', 'Timeline');
  main.append(treePane, splitter, timelineHost);
  const bottom = el('div', 'bottom');
  const footer = el('div', 'statusbar');
  const status = el('span', 'status');
  status.setAttribute('aria-live', 'polite');
  const locationOut = el('span', 'location-out');
  footer.append(status, locationOut);
  root.append(banner, toolbar, main, bottom, footer);
  // Drag the splitter to resize the tree column.
  splitter.addEventListener('pointerdown', (e) => {
    splitter.setPointerCapture(e.pointerId);
    const move = (m: PointerEvent) => { treePane.style.width = `${Math.max(160, Math.min(m.clientX, root.clientWidth - 200))}px`; window.dispatchEvent(new Event('resize')); };
    const up = () => { splitter.removeEventListener('pointermove', move); splitter.removeEventListener('pointerup', up); };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  return { banner, toolbar, treeHeader, treeHost, timelineHost, bottom, status, locationOut };
}
