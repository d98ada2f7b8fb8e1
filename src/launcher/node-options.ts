// NODE_OPTIONS composition. The agent's preload goes FIRST and the user's own options are kept after
// it, unchanged (replacing them is the top complaint about debuggers that launch Node programs).

/**
 * Quotes one value the way Node's NODE_OPTIONS parser reads it: inside double quotes a backslash
 * escapes the next character, so `\` and `"` are escaped (Windows paths keep their backslashes).
 */
export function quoteNodeOption(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** `--require "<agent>"` followed by the user's NODE_OPTIONS (if any). */
export function composeNodeOptions(agentPath: string, userOptions: string | undefined): string {
  const ours = `--require ${quoteNodeOption(agentPath)}`;
  const theirs = userOptions?.trim();
  return theirs ? `${ours} ${theirs}` : ours;
}
