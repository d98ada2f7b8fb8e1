// A small service simulation for the walk-through: rounds of parallel fetches (Promise.all), a race against a
// timeout, and every few rounds a synchronous report step that holds the event loop.
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchUser(id) {
  await sleep(20 + (id % 5) * 15);
  return { id, name: `user${id}` };
}

async function loadBatch(round) {
  return Promise.all(Array.from({ length: 6 }, (_, i) => fetchUser(round * 6 + i)));
}

function buildReport(ms) {
  const end = Date.now() + ms;
  let rows = 0;
  while (Date.now() < end) rows++; // the slow synchronous step
  return rows;
}

async function withTimeout(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms, 'timeout'); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function main() {
  for (let round = 0; round < 24; round++) {
    await withTimeout(loadBatch(round), 150);
    if (round % 4 === 2) buildReport(120 + round * 10);
    await sleep(250);
  }
  console.log('done');
}

main();
