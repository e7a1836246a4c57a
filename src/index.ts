/*
 * Library entry point: the org emulator, for tests and for integration owners who drive it from code.
 */
export {
  OrgEmulator,
  DEFAULT_PORT,
  type EmulatorOptions,
  type RequestEvent,
  type EmulatorStats,
} from './emulator/server.js';
export {
  Faults,
  NO_LATENCY,
  SANDBOX_LATENCY,
  type FaultRule,
  type FaultAction,
  type FaultMatch,
  type DeployFault,
  type LatencyModel,
} from './emulator/faults.js';
export { DEFAULT_SEED } from './emulator/seed/default.js';
export type { OrgSeed, SeedApp, SeedUser, SeedToken, SeedPackage } from './emulator/seed/types.js';
