// Versions of every format Loopscope writes. Bump the number when a change would mislead an older reader;
// adding an optional field is not such a change.
export const TRACE_SCHEMA = 'loopscope.trace/1';
export const SUMMARY_SCHEMA = 'loopscope.summary/1';
/** Version of the agent → launcher wire (frames on the per-run socket). */
export const WIRE_VERSION = 3; // 2: combined spawn+settle records (OP_SPAWN_SETTLE, OP_SPAWN_SETTLE_PARENT); 3: tallies (OP_TALLY, OP_TALLY_STATE)
/** Version of the host ↔ webview message protocol. */
export const VIEW_PROTOCOL_VERSION = 1;
