// An ES module: after a top-level await, a named function holds the loop for 250 ms.
function spin(ms) {
  const end = Date.now() + ms;
  while (Date.now() < end); // ESM-BLOCKS-HERE
}

await new Promise((resolve) => setTimeout(resolve, 10));
setImmediate(function later() {
  spin(250);
  console.log('done');
});
