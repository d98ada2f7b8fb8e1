// The transform inserts text only inside lines, so a line number never changes; columns after an
// insertion shift right. A ColumnMap remembers, per line, where text went in and how long it was, so a
// position in the transformed code (a stack frame, a paused frame) maps back to the user's column.

/** line (1-based) → flat list [originalColumn0, insertedLength, originalColumn0, insertedLength, …], sorted. */
export type ColumnMap = Map<number, number[]>;

export function addToColumnMap(map: ColumnMap, line: number, column0: number, length: number): void {
  let list = map.get(line);
  if (!list) { list = []; map.set(line, list); }
  list.push(column0, length);
}

/**
 * Maps a 1-based column of the transformed line back to the 1-based column of the original line.
 * A column that falls inside inserted text maps to the original column where the text was inserted.
 */
export function mapColumn(map: ColumnMap, line: number, column: number): number {
  const list = map.get(line);
  if (!list) return column;
  const target = column - 1;
  let shift = 0;
  for (let i = 0; i < list.length; i += 2) {
    const at = list[i]! + shift;
    if (target < at) break;
    const len = list[i + 1]!;
    if (target < at + len) return list[i]! + 1;
    shift += len;
  }
  return target - shift + 1;
}
