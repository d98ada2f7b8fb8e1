// The model room's public API: what a trace means, shared by the CLI, the extension host and the webview.
export * from './types.ts';
export { TraceModel, MAX_SLICES, MAX_AWAITED, ROOT_ID } from './trace-model.ts';
export { isUserCode, displayPath, formatLocation, fileUrlToPath, baseName } from './paths.ts';
export { kindNoun, taskLabel, isGenericName } from './task-label.ts';
export { isListedTask, listedChildren, nearestListedAncestor, listedSelfOrAncestor } from './listing.ts';
export { foldSiblings, foldKey, formatStateCounts, type FoldGroup } from './fold.ts';
export { buildSummary, type SummaryOptions } from './summary.ts';
export { renderTaskTree, type RenderTreeOptions } from './render-tree.ts';
export {
  formatBlockLine, formatBlockDiagnostic, renderBlockingSummary, blockLocation, blockFunction, formatDuration,
  type TextOptions, type BlockingSummaryOptions,
} from './block-text.ts';
export { toChromeTrace, type ChromeTrace, type ChromeTraceEvent } from './chrome-trace.ts';
export { safeLine } from './safe-text.ts';
