// An ES module: after a top-level await, a named function holds the loop for 250 ms.
function spin(ms) {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) n++; // ESM-BLOCKS-HERE
  return n;
}

await new Promise((resolve) => setTimeout(resolve, 500));
setImmediate(function later() {
  spin(250);
  console.log('done');
});
