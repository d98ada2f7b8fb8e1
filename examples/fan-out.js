// A first program to run under Loopscope:  node bin/loopscope.js run examples/fan-out.js
// It fetches three "users" concurrently (Promise.all), races a slow lookup against a timeout, cancels
// a timer it no longer needs, and has one line that blocks the event loop (see checksum()).
'use strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchUser(id) {
  await sleep(20 + id * 10);
  return { id, name: `user-${id}` };
}

function checksum(text) {
  let h = 0;
  // The blocking line: millions of rounds of synchronous work hold the event loop (~100-300 ms).
  for (let round = 0; round < 400_000; round++) for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}

async function slowLookup() {
  await sleep(500);
  return 'slow';
}

async function main() {
  const users = await Promise.all([1, 2, 3].map((id) => fetchUser(id)));
  console.log('fetched', users.map((u) => u.name).join(', '));

  const winner = await Promise.race([slowLookup(), sleep(50).then(() => 'timeout')]);
  console.log('race won by', winner);

  const reminder = setTimeout(() => console.log('never printed'), 1000);
  clearTimeout(reminder);

  setTimeout(() => {
    console.log('checksum', checksum(JSON.stringify(users)));
  }, 10);
}

main();
