export { startSimulator, type Simulator, type SimulatorOptions } from './server';
export { generateAccount, type GenerateAccountOptions, type GeneratedAccount, type GeneratedAccountStats } from './generator';
export { expectedVerdicts, type ExpectedRevision, type ExpectedVerdict } from './oracle';
export type { FaultRule, FaultError, ServiceName } from './faults';
export type { CountersSnapshot, CallTable } from './counters';
export type { StoredEvaluation, TaskRecord, TaskDefinitionRecord, ConfigItemRecord, RecordItemInput } from './state';
export type { BucketSpec, EcsBucketName } from './throttle';
export type { Behaviour } from './context';
export * from './model';
