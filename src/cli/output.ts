// Where Loopscope's own words go: stderr, so the program's stdout stays exactly its own. Every line
// says it is ours ("loopscope: …") so it is never mistaken for the program's output.
export interface Output {
  /** Loopscope's report text (blocks, tree, summary); nothing in --quiet. */
  info(text: string): void;
  /** Something went wrong with Loopscope or its input; shown even in --quiet. */
  error(text: string): void;
}

export function stderrOutput(quiet: boolean): Output {
  // A closed stderr (`loopscope run x 2>&1 | head -1`) must not crash us while the program still runs:
  // we would lose its exit code. Our words are lost then; the program's fate is its own, as without us.
  if (process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => {});
  return {
    info: (text) => { if (!quiet) process.stderr.write(withNewline(text)); },
    error: (text) => { process.stderr.write(withNewline(`loopscope: ${text}`)); },
  };
}

function withNewline(s: string): string {
  return s.endsWith('\n') ? s : s + '\n';
}
