// A program with one slow synchronous callback: a timer whose callback spins for 300 ms (1.5 s in, well after
// start-up even on a busy first VS Code session, so only this callback can be the block and the watchdog is up).
function crunch(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++; // BLOCKS-HERE
  return n;
}

async function loadItems() {
  await new Promise((resolve) => setTimeout(resolve, 20));
  return [1, 2, 3];
}

setTimeout(function tick() { // SPAWNED-HERE
  crunch(300);
}, 1500);

Promise.all([loadItems(), loadItems()]).then((lists) => console.log('loaded', lists.length, 'lists'));
