// Code that reaches us already compiled (tsx's TypeScript output, a bundler's) carries an inline source
// map. Sites must name the user's original line, so positions are looked up in that map.
// Only inline (data: URL) maps are read: no file I/O in the transform.

export interface OriginalPosition { file: string | undefined; line: number; column: number }
export type PositionLookup = (line: number, column0: number) => OriginalPosition | undefined;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** A lookup for the inline source map at the end of `source`, or undefined when it has none (or it is unreadable). */
export function inlineSourceMap(source: string): PositionLookup | undefined {
  const m = /\/\/[#@]\s*sourceMappingURL=data:application\/json(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+/=]+)\s*$/.exec(source.slice(-200_000));
  if (!m) return undefined;
  try {
    const bin = atob(m[1]!);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const map = JSON.parse(new TextDecoder().decode(bytes)) as { sources?: string[]; mappings?: string; sourceRoot?: string };
    if (typeof map.mappings !== 'string') return undefined;
    const lines = decodeMappings(map.mappings);
    const sources = map.sources ?? [];
    return (line, column0) => {
      const segs = lines[line - 1];
      if (!segs || segs.length === 0) return undefined;
      // Last segment starting at or before the column (segments are [genCol, src, origLine, origCol]).
      let best: number[] | undefined;
      for (const s of segs) { if (s[0]! <= column0) best = s; else break; }
      best ??= segs[0];
      if (!best || best.length < 4) return undefined;
      return { file: sources[best[1]!], line: best[2]! + 1, column: best[3]! + 1 };
    };
  } catch {
    return undefined;
  }
}

function decodeMappings(mappings: string): number[][][] {
  const out: number[][][] = [];
  let src = 0;
  let oLine = 0;
  let oCol = 0;
  for (const lineText of mappings.split(';')) {
    const segs: number[][] = [];
    let gCol = 0;
    for (const segText of lineText.split(',')) {
      if (segText === '') continue;
      const v = decodeVlq(segText);
      gCol += v[0]!;
      if (v.length >= 4) {
        src += v[1]!; oLine += v[2]!; oCol += v[3]!;
        segs.push([gCol, src, oLine, oCol]);
      } else {
        segs.push([gCol]);
      }
    }
    segs.sort((a, b) => a[0]! - b[0]!);
    out.push(segs);
  }
  return out;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const d = B64_INDEX.get(ch);
    if (d === undefined) throw new Error('bad VLQ');
    value += (d & 31) << shift;
    if (d & 32) { shift += 5; continue; }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}
