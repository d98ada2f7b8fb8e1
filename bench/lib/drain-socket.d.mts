export interface WireCounts { connections: number; bytes: number; records: number; controls: number; corrupt: boolean }
export interface DrainSocket { socketPath: string; take(): WireCounts; close(): void }
export function openDrainSocket(): Promise<DrainSocket>;
