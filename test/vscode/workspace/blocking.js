// A program with one slow synchronous callback: a timer whose callback spins for 300 ms, half a second in
// (only this callback is the block; it is reported even if a busy machine brings the watchdog up later).
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
}, 500);

Promise.all([loadItems(), loadItems()]).then((lists) => console.log('loaded', lists.length, 'lists'));
