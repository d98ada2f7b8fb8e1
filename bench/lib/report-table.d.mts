export function formatReport(meta: Record<string, any>, results: Record<string, any>[]): string;
