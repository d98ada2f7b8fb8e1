// Timer functions captured when the agent loads, before task tracking patches the globals, so the
// agent's own timers are never seen (and never recorded) as the user's tasks.
export const originalSetInterval = globalThis.setInterval;
export const originalClearInterval = globalThis.clearInterval;
export const originalSetTimeout = globalThis.setTimeout;
