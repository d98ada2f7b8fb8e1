export function median(values: number[]): number;
export function spreadPercent(values: number[]): number;
