// The launcher's public surface, shared by the CLI and the VS Code extension host (no vscode, no printing).
export { launch, synthesiseExit, type ProcessExit } from './launch.ts';
export { AgentServer } from './agent-server.ts';
export { AgentConnection } from './agent-connection.ts';
export { TraceWriter } from './trace-writer.ts';
export { LaunchError, type LaunchErrorCode } from './errors.ts';
export { composeNodeOptions, quoteNodeOption } from './node-options.ts';
export { planEntry, resolveScript, findProjectTsx, isTypeScriptEntry, type EntryPlan } from './entry-point.ts';
export { findAgentBundle } from './agent-bundle.ts';
export { signalTree, killTree, stopTree, OWN_PROCESS_GROUP } from './process-tree.ts';
export type { LaunchOptions, RunSession, AgentRun, RunEnd } from './types.ts';
