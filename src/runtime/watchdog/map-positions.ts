// Positions V8 reports are in the code that ran, which is not always the code the user wrote:
// - task tracking rewrote the file (columns shift; globalThis.__loopscope.mapPosition maps them back);
// - a compiler ran first (tsx, type stripping with transforms): the file's source map, which Node keeps
//   when source maps are enabled (tsx enables them), maps back to the original file and line.
// Both live on the main thread, so this function's source is evaluated there (Runtime.evaluate), only
// when a block is reported. It never throws; a position it cannot map comes back as it was.

/** Source of a main-thread function: (frames: [file, line, column][]) → ({file, line, column} | null)[]. */
export const MAP_POSITIONS_SOURCE = `(function (frames) {
  var rt = globalThis.__loopscope;
  var get = typeof process === 'object' && process && typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule : null;
  var mod = null, url = null;
  try { mod = get ? get('module') : null; url = get ? get('url') : null; } catch (e) { mod = null; }
  var maps = new Map();
  function sourceMap(file) {
    if (!mod || typeof mod.findSourceMap !== 'function') return undefined;
    if (maps.has(file)) return maps.get(file);
    var m;
    try { m = mod.findSourceMap(file) || (url ? mod.findSourceMap(url.pathToFileURL(file).href) : undefined); } catch (e) { m = undefined; }
    maps.set(file, m);
    return m;
  }
  return frames.map(function (f) {
    try {
      var file = f[0], line = f[1], column = f[2];
      if (rt && typeof rt.mapPosition === 'function') {
        var p = rt.mapPosition(file, line, column);
        if (p && typeof p.line === 'number' && typeof p.column === 'number') { line = p.line; column = p.column; }
      }
      var m = sourceMap(file);
      if (m && typeof m.findEntry === 'function') {
        var e = m.findEntry(line - 1, column - 1);
        if (e && typeof e.originalSource === 'string' && typeof e.originalLine === 'number') {
          var src = e.originalSource;
          if (src.indexOf('file://') === 0 && url) src = url.fileURLToPath(src);
          return { file: src, line: e.originalLine + 1, column: e.originalColumn + 1 };
        }
      }
      return { file: file, line: line, column: column };
    } catch (e) { return null; }
  });
})`;
