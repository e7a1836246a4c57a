/*
 * sf oauth emulator start: thin wrapper around OrgEmulator; runs until SIGINT/SIGTERM.
 */
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { DEFAULT_PORT, OrgEmulator } from '../../../emulator/server.js';
import { NO_LATENCY, SANDBOX_LATENCY } from '../../../emulator/faults.js';
import { loadSeedFile, SeedFileError } from '../../../emulator/seed/load.js';
import { SeedError } from '../../../emulator/seed/build.js';
import { StateFileError } from '../../../emulator/store/persist.js';
import { AuthorizationInUseError, saveCliAuthorization } from '../../../emulator/sf-auth.js';
import { rehearsalOptions, type RehearsalOptions } from '../../../emulator/conformance/rehearsal.js';
import { BehaviourOptionError, parseBehaviourPairs } from '../../../emulator/behaviours.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.emulator.start');

export type EmulatorStartResult = {
  url: string;
  orgId: string;
  orgName: string;
  username: string;
  alias?: string;
  stateFile?: string;
  requests: number;
};

export default class EmulatorStart extends SfCommand<EmulatorStartResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    port: Flags.integer({
      summary: messages.getMessage('flags.port.summary'),
      default: DEFAULT_PORT,
      min: 0,
      max: 65_535,
    }),
    alias: Flags.string({ char: 'a', summary: messages.getMessage('flags.alias.summary') }),
    'replace-authorization': Flags.boolean({
      summary: messages.getMessage('flags.replace-authorization.summary'),
      dependsOn: ['alias'],
    }),
    'state-file': Flags.file({ summary: messages.getMessage('flags.state-file.summary') }),
    seed: Flags.file({ summary: messages.getMessage('flags.seed.summary'), exists: true }),
    latency: Flags.option({
      summary: messages.getMessage('flags.latency.summary'),
      options: ['none', 'sandbox'] as const,
      default: 'none',
    })(),
    verbose: Flags.boolean({ summary: messages.getMessage('flags.verbose.summary'), default: false }),
    'pre-approve': Flags.boolean({ summary: messages.getMessage('flags.pre-approve.summary'), default: false }),
    strict: Flags.boolean({ summary: messages.getMessage('flags.strict.summary'), default: false }),
    // Without a value these rehearsal options are off: no default is the point (min only rejects nonsense).
    /* eslint-disable sf-plugin/flag-min-max-default */
    'session-seconds': Flags.integer({ summary: messages.getMessage('flags.session-seconds.summary'), min: 1 }),
    'inject-busy-every': Flags.integer({ summary: messages.getMessage('flags.inject-busy-every.summary'), min: 0 }),
    'inject-transient-every': Flags.integer({
      summary: messages.getMessage('flags.inject-transient-every.summary'),
      min: 0,
    }),
    /* eslint-enable sf-plugin/flag-min-max-default */
    behaviour: Flags.string({ summary: messages.getMessage('flags.behaviour.summary'), multiple: true, default: [] }),
  };

  private static rehearsal(flags: RehearsalFlags): RehearsalOptions | undefined {
    return rehearsalOptions(flags.strict, {
      sessionSeconds: flags['session-seconds'],
      busyEvery: flags['inject-busy-every'],
      transientEvery: flags['inject-transient-every'],
    });
  }

  public async run(): Promise<EmulatorStartResult> {
    const { flags } = await this.parse(EmulatorStart);
    const emulator = await this.startEmulator(flags);
    const org = emulator.store.state.org;
    const admin = emulator.store.adminUser();
    if (flags['pre-approve']) emulator.preApprove();
    const saved = flags.alias
      ? await this.saveAuthorization(emulator, flags.alias, flags['replace-authorization'] ?? false)
      : undefined;
    // Take the signals over before saying how to stop, so a Ctrl-C right after the message stops cleanly.
    const stopRequested = waitForSignal();

    this.log(messages.getMessage('info.started', [emulator.url]));
    this.log(messages.getMessage('info.org', [org.name, org.id, admin.username]));
    if (saved?.alias) this.log(messages.getMessage('info.alias', [saved.alias, saved.alias]));
    if (flags['state-file']) this.log(messages.getMessage('info.stateFile', [flags['state-file']]));
    const rehearsal = EmulatorStart.rehearsal(flags);
    if (rehearsal) this.logRehearsal(rehearsal);
    this.log(messages.getMessage('info.report', [emulator.url]));
    this.log(messages.getMessage('info.stop'));

    await stopRequested;
    await emulator.stop();
    this.log(messages.getMessage('info.stopped'));
    return {
      url: emulator.url,
      orgId: org.id,
      orgName: org.name,
      username: admin.username,
      alias: saved?.alias,
      stateFile: flags['state-file'],
      requests: emulator.stats.requests,
    };
  }

  private async saveAuthorization(
    emulator: OrgEmulator,
    alias: string,
    replace: boolean,
  ): Promise<Awaited<ReturnType<typeof saveCliAuthorization>>> {
    let saved;
    try {
      saved = await saveCliAuthorization(emulator, alias, undefined, { refuseIfAnswering: !replace });
    } catch (e) {
      if (!(e instanceof AuthorizationInUseError)) throw e;
      // Nothing was saved: stop the server so that the refusal leaves nothing running.
      await emulator.stop();
      throw messages.createError('error.authorizationInUse', [e.username, e.instanceUrl, emulator.url]);
    }
    if (saved.replaced)
      this.warn(
        messages.getMessage(saved.replaced.answering ? 'warn.replacedAnswering' : 'warn.replacedStale', [
          saved.username,
          saved.replaced.instanceUrl,
          emulator.url,
        ]),
      );
    return saved;
  }

  private logRehearsal(r: RehearsalOptions): void {
    if (r.sessionSeconds) this.log(messages.getMessage('info.rehearsal.session', [r.sessionSeconds]));
    if (r.busyEvery) this.log(messages.getMessage('info.rehearsal.busy', [r.busyEvery]));
    if (r.transientEvery) this.log(messages.getMessage('info.rehearsal.transient', [r.transientEvery]));
  }

  private async startEmulator(
    flags: {
      port: number;
      'state-file'?: string;
      seed?: string;
      latency: 'none' | 'sandbox';
      verbose: boolean;
      behaviour: string[];
    } & RehearsalFlags,
  ): Promise<OrgEmulator> {
    let behaviours;
    try {
      behaviours = parseBehaviourPairs(flags.behaviour);
    } catch (e) {
      if (e instanceof BehaviourOptionError) throw messages.createError('error.badBehaviour', [e.message]);
      throw e;
    }
    try {
      const seed = flags.seed ? await loadSeedFile(flags.seed) : undefined;
      return await OrgEmulator.start({
        port: flags.port,
        seed,
        stateFile: flags['state-file'],
        latency: flags.latency === 'sandbox' ? SANDBOX_LATENCY : NO_LATENCY,
        onRequest: flags.verbose
          ? (e): void => this.logToStderr(`${e.method} ${e.path} ${e.status} ${e.ms}ms`)
          : undefined,
        rehearsal: EmulatorStart.rehearsal(flags),
        behaviours,
      });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
        throw messages.createError('error.portInUse', [flags.port]);
      if (e instanceof SeedFileError || e instanceof SeedError)
        throw messages.createError('error.badSeed', [e.message]);
      if (e instanceof StateFileError) throw messages.createError('error.badStateFile', [e.message]);
      throw e;
    }
  }
}

type RehearsalFlags = {
  strict: boolean;
  'session-seconds'?: number;
  'inject-busy-every'?: number;
  'inject-transient-every'?: number;
};

/*
 * SfCommand answers SIGINT by throwing an exit error from the signal handler, which would kill the process before the
 * emulator flushes its state file; a server command takes the signals over and shuts down in order instead.
 */
function waitForSignal(): Promise<void> {
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
