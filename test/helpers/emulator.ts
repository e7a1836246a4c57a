/*
 * Starts a real emulator on a free loopback port for one test file, and gives each test a fresh org.
 */
import { OrgEmulator, type EmulatorOptions } from '../../src/emulator/server.js';

export async function startEmulator(options: EmulatorOptions = {}): Promise<OrgEmulator> {
  return OrgEmulator.start({ port: 0, ...options });
}

/** Registers before/after hooks and returns a getter for the running emulator. */
export function useEmulator(options: EmulatorOptions | (() => EmulatorOptions) = {}): () => OrgEmulator {
  let emulator: OrgEmulator | undefined;
  beforeEach(async () => {
    emulator = await startEmulator(typeof options === 'function' ? options() : options);
  });
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });
  return () => {
    if (!emulator) throw new Error('emulator not started');
    return emulator;
  };
}
