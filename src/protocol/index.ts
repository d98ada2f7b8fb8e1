export * from './version.ts';
export * from './events.ts';
export * from './summary.ts';
export * from './validate.ts';
export * from './trace-file.ts';
export * from './wire.ts';
export * from './agent-config.ts';
export * from './view-messages.ts';
