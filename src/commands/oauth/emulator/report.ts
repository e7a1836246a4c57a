/*
 * sf oauth emulator report: what each OAuth client did against the emulator, requirement by requirement, as text,
 * JSON or JUnit XML; exits 1 when a requirement fails (something Salesforce refuses), never for advice alone, so that
 * CI can gate on it.
 */
import { writeFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { formatHuman, formatJunit } from '../../../emulator/conformance/format.js';
import type { ConformanceReport } from '../../../emulator/conformance/requirements.js';
import {
  isLoopbackUrl,
  reportFromStateFile,
  reportFromUrl,
  ReportSourceError,
  UnknownClientsError,
} from '../../../emulator/conformance/source.js';
import { terminalWidth } from '../../../cli/terminal.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.emulator.report');

export type EmulatorReportResult = ConformanceReport & {
  /** Where the report came from: the emulator's URL or the state file. */
  source: string;
};

export default class EmulatorReport extends SfCommand<EmulatorReportResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    url: Flags.string({ summary: messages.getMessage('flags.url.summary'), exclusive: ['state-file', 'target-org'] }),
    'state-file': Flags.file({
      summary: messages.getMessage('flags.state-file.summary'),
      exists: true,
      exclusive: ['url', 'target-org'],
    }),
    'target-org': Flags.optionalOrg({
      summary: messages.getMessage('flags.target-org.summary'),
      exclusive: ['url', 'state-file'],
    }),
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary'), multiple: true }),
    'result-format': Flags.option({
      summary: messages.getMessage('flags.result-format.summary'),
      options: ['human', 'junit'] as const,
      default: 'human',
    })(),
    'output-file': Flags.file({ summary: messages.getMessage('flags.output-file.summary') }),
    'include-smoke-tests': Flags.boolean({
      summary: messages.getMessage('flags.include-smoke-tests.summary'),
      description: messages.getMessage('flags.include-smoke-tests.description'),
      default: false,
    }),
  };

  public async run(): Promise<EmulatorReportResult> {
    const { flags } = await this.parse(EmulatorReport);
    const clientIds = flags['client-id'];
    const smoke = { includeSmokeTests: flags['include-smoke-tests'] };
    let source: string;
    let report: ConformanceReport;
    try {
      if (flags.url) {
        source = flags.url;
        report = await reportFromUrl(flags.url, clientIds, smoke);
      } else if (flags['state-file']) {
        source = flags['state-file'];
        report = await reportFromStateFile(flags['state-file'], clientIds, smoke);
      } else if (flags['target-org']) {
        // only its instance URL is read: no API call, so no API version matters
        // eslint-disable-next-line sf-plugin/get-connection-with-version
        source = flags['target-org'].getConnection().instanceUrl;
        if (!isLoopbackUrl(source))
          throw messages.createError('error.notEmulatorOrg', [flags['target-org'].getUsername() ?? '', source]);
        report = await reportFromUrl(source, clientIds, smoke);
      } else {
        throw messages.createError('error.noSource');
      }
    } catch (e) {
      if (e instanceof ReportSourceError) throw messages.createError(`error.${e.code}`, [e.message]);
      if (e instanceof UnknownClientsError) throw await unknownClientsError(e);
      throw e;
    }

    // a file gets the whole report, unwrapped; the screen or a pipe gets it within the width
    const text =
      flags['result-format'] === 'junit'
        ? formatJunit(report)
        : formatHuman(report, flags['output-file'] ? undefined : terminalWidth());
    if (flags['output-file']) {
      await writeFile(flags['output-file'], text);
      this.log(messages.getMessage('info.written', [flags['output-file']]));
      this.log(
        messages.getMessage(report.success ? 'info.success' : 'info.failure', [
          report.summary.failedRequirements,
          report.summary.failingClients,
        ]),
      );
      if (report.summary.advisedRequirements)
        this.log(messages.getMessage('info.advice', [report.summary.advisedRequirements]));
    } else if (flags['result-format'] === 'junit' && !this.jsonEnabled()) {
      process.stdout.write(text);
    } else {
      this.log(text.trimEnd());
    }
    if (!report.success) process.exitCode = 1;
    return { ...report, source };
  }
}

/** An unknown --client-id names the closest clients that did call (the same matching as unknown app names), else them all. */
async function unknownClientsError(e: UnknownClientsError): Promise<Error> {
  // Loaded only on this error: the scope module would weigh on every start of the command (test/packaging/startup).
  const { closeMatches } = await import('../../../apps/scope.js');
  const named = e.unknown.map((id) => `"${id}"`).join(', ');
  if (!e.known.length) return messages.createError('error.noActivity', [named]);
  const suggestions = closeMatches(
    e.unknown,
    e.known.map((k) => ({ name: k.appName, keys: [k.appName, k.clientId] })),
  );
  const known = suggestions.length ? suggestions : [...new Set(e.known.map((k) => k.appName))];
  return messages.createError(suggestions.length ? 'error.unknownClient' : 'error.unknownClientNoMatch', [
    named,
    known.join(', '),
  ]);
}
