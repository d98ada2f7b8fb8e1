// The user's own stack traces (err.stack, an uncaught error on stderr) must read as without us: the
// transform shifts columns and our wrappers add frames. Node formats a stack as
//   ErrorPrototypeToString(error) + '\n    at ' + frames.join('\n    at ')
// by default. We put a prepareStackTrace in front of Node's that hands it the same frames with the
// columns of transformed files mapped back and our own runtime's frames left out. It is installed only when the
// user has none; Node's own default (and its source-map path, e.g. under tsx) still does the formatting.
export interface StackColumnOptions {
  /** Original column of a position in a transformed file (same column when the file was not transformed). */
  mapColumn(file: string, line: number, column: number): number;
  /** Our runtime's directory: its frames are not the user's. */
  ownDir: string;
}

interface CallSite {
  getMethodName(): string | null;
  getFunctionName(): string | null;
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
  toString(): string;
}

/** The frame as V8 prints a function called as method `method` of its receiver. */
function asMethod(site: CallSite, method: string | null): CallSite {
  if (!method) return site;
  const text = String(site);
  const fn = site.getFunctionName();
  let out: string;
  if (!fn) out = text.replace('.<anonymous> (', `.${method} (`);
  else if (fn !== method && text.includes(`.${fn} (`)) out = text.replace(`.${fn} (`, `.${fn} [as ${method}] (`);
  else return site;
  if (out === text) return site;
  return withText(site, out);
}

/** A stand-in CallSite: every method of the real one, but printed as `text`. */
function withText(site: CallSite, text: string, column?: number): CallSite {
  const stand: any = {};
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(site))) {
    const v = (site as any)[key];
    if (key !== 'constructor' && typeof v === 'function') stand[key] = (...a: unknown[]) => v.apply(site, a);
  }
  if (column !== undefined) stand.getColumnNumber = () => column;
  stand.toString = () => text;
  return stand as CallSite;
}

export function installStackColumns(o: StackColumnOptions): void {
  const E = Error as any;
  // Newer Node 20+ releases define a default Error.prepareStackTrace (ErrorPrepareStackTrace); older ones
  // leave it undefined. One the user (or a library) set is theirs: leave it alone.
  const base = E.prepareStackTrace as ((error: unknown, trace: unknown[]) => unknown) | undefined;
  if (base !== undefined && (typeof base !== 'function' || base.name !== 'ErrorPrepareStackTrace')) return;
  const errorToString = Error.prototype.toString;
  const own = o.ownDir;

  /** A frame of the user's code whose column the transform shifted: a stand-in CallSite with the original column. */
  const adjust = (site: CallSite): CallSite | undefined => {
    const file = site.getFileName();
    if (!file) return site;
    if (own !== '' && (file.startsWith(own) || file.startsWith('file://' + own))) return undefined;
    const line = site.getLineNumber();
    const col = site.getColumnNumber();
    if (line === null || col === null) return site;
    const mapped = o.mapColumn(file, line, col);
    if (mapped === col) return site;
    const text = String(site);
    const tail = `${file}:${line}:${col}`;
    const at = text.lastIndexOf(tail);
    const mappedText = at < 0 ? text : text.slice(0, at) + `${file}:${line}:${mapped}` + text.slice(at + tail.length);
    return withText(site, mappedText, mapped);
  };

  const prepareStackTrace = function (this: unknown, error: unknown, trace: CallSite[]): unknown {
    const frames: CallSite[] = [];
    for (let i = 0; i < trace.length; i++) {
      const site = trace[i]!;
      let f: CallSite | undefined;
      try {
        f = adjust(site);
        // Called by one of our wrappers (a timer's, say): V8 would have named the user's function for the
        // property the wrapper was called through (Timeout._onTimeout); say so, as it would have.
        const caller = trace[i + 1];
        if (f !== undefined && caller !== undefined && adjust(caller) === undefined) f = asMethod(f, caller.getMethodName());
      } catch { f = site; }
      if (f !== undefined) frames.push(f);
    }
    if (base !== undefined) return base.call(this, error, frames);
    let head: string;
    try { head = errorToString.call(error); } catch { head = '<error>'; }
    return frames.length === 0 ? head : `${head}\n    at ${frames.join('\n    at ')}`;
  };
  Object.defineProperty(prepareStackTrace, 'name', { value: 'ErrorPrepareStackTrace' });
  E.prepareStackTrace = prepareStackTrace;
}
