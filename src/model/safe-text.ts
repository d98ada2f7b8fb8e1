// Names, paths and frames come from the user's program: untrusted. A terminal would obey control
// characters in them (ANSI escapes, carriage returns, a newline that forges a line), so text output
// shows them as visible escapes instead.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** One line of text with every control character made visible (`\x1b`); `max` caps very long names. */
export function safeLine(s: string, max = 2000): string {
  const clean = s.replace(CONTROL, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}
