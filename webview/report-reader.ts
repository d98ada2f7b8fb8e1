// Reads a standalone report's events while the browser is still parsing the page: the report puts its
// event chunks after the script, so the first tasks can show before a 60 MB page has been read to the end.
// A chunk is complete once a later element exists or parsing has finished.
const CHUNK_CLASS = 'loopscope-events';
const POLL_MS = 10;

export function readInlineChunks(onChunk: (text: string) => void, onDone: (count: number) => void): void {
  const nodes = document.getElementsByClassName(CHUNK_CLASS); // live: grows as the parser goes
  let taken = 0;
  const step = () => {
    const parsed = document.readyState !== 'loading';
    const complete = parsed ? nodes.length : Math.max(0, nodes.length - 1);
    while (taken < complete) onChunk(nodes[taken++].textContent ?? '');
    if (parsed) onDone(taken);
    else setTimeout(step, POLL_MS); // a timer, not a frame: the app's one animation-frame loop stays the only one
  };
  step();
}
