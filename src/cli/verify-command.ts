/*
 * The base of `sf oauth pkce verify` and `sf oauth rtr verify`: flags, production confirmation, client resolution,
 * secrets (environment or prompt), the code source, the run with cleanup on every exit path (including Ctrl-C), the
 * results store and the report (table, --json, JUnit). The checks live in pkce-checks.ts and rtr-checks.ts.
 */
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { StateAggregator, type Messages } from '@salesforce/core';
import { Duration } from '@salesforce/kit';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { ClientConfig, VerifyKind } from '../oauth/client-config.js';
import type { CodeSource } from '../oauth/code-source.js';
import { Secret, secretEnvName, secretFromEnv } from '../oauth/secret.js';
import { evidenceText, toJunit } from '../smoke/junit.js';
import { scrub } from '../smoke/ledger.js';
import { DECIDING_CHECK, summarize, type AppRun, type CleanupSummary, type VerifyResult } from '../smoke/model.js';
import type { AppPlan } from '../smoke/runner.js';
import { SmokeSession, SmokeUserUnknown, type SessionRun } from '../smoke/session.js';
import type { WrongUserSignedIn } from '../smoke/signed-in-user.js';
import { Progress } from './progress.js';
import { canPrompt, confirmProductionChange, orgFacts } from './production-guard.js';
import { wrapToWidth } from './terminal.js';
import { fitTable } from './table-fit.js';

export type { VerifyResult } from '../smoke/model.js';

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type -- the flag types Flags infers are the point
export function verifyFlags(messages: Messages<string>) {
  return {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    app: Flags.string({
      char: 'a',
      summary: messages.getMessage('flags.app.summary'),
      multiple: true,
      exactlyOne: ['app', 'all'],
    }),
    all: Flags.boolean({ summary: messages.getMessage('flags.all.summary'), exactlyOne: ['app', 'all'] }),
    'client-id': Flags.string({ summary: messages.getMessage('flags.client-id.summary') }),
    'callback-url': Flags.string({ summary: messages.getMessage('flags.callback-url.summary') }),
    'login-url': Flags.string({ summary: messages.getMessage('flags.login-url.summary') }),
    browser: Flags.boolean({ summary: messages.getMessage('flags.browser.summary'), exclusive: ['site-url'] }),
    'site-url': Flags.string({ summary: messages.getMessage('flags.site-url.summary'), exclusive: ['browser'] }),
    timeout: Flags.duration({
      unit: 'seconds',
      defaultValue: 60,
      min: 1,
      summary: messages.getMessage('flags.timeout.summary'),
    }),
    concurrency: Flags.integer({
      min: 1,
      max: 32,
      default: 4,
      summary: messages.getMessage('flags.concurrency.summary'),
    }),
    'result-format': Flags.string({
      options: ['human', 'junit'],
      default: 'human',
      summary: messages.getMessage('flags.result-format.summary'),
    }),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
    'no-prompt': Flags.boolean({ char: 'p', summary: messages.getMessage('flags.no-prompt.summary'), default: false }),
  };
}

type Parsed = {
  'target-org': import('@salesforce/core').Org;
  'api-version'?: string;
  app?: string[];
  all: boolean;
  'client-id'?: string;
  'callback-url'?: string;
  'login-url'?: string;
  browser: boolean;
  'site-url'?: string;
  timeout: Duration;
  concurrency: number;
  'result-format': string;
  'output-file'?: string;
  'no-prompt': boolean;
};

function checkUrl(messages: Messages<string>, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return url.href.replace(/\/+$/, '');
  } catch {
    throw messages.createError('error.badUrl', [value]);
  }
}

export abstract class VerifyCommand extends SfCommand<VerifyResult> {
  /** The user --site-url signs in as (the code source's user, whose approvals are counted); else the org's user. */
  private siteUsername?: string;
  protected abstract readonly kind: VerifyKind;
  protected abstract readonly messages: Messages<string>;

  protected async verify(flags: Parsed): Promise<VerifyResult> {
    const messages = this.messages;
    // The metadata reader (Metadata API client, XML parser) and the status word (the gate's rules) load only when the
    // command runs, not for --help.
    const [{ ClientConfigError, resolveClients }, { appStatusWord }] = await Promise.all([
      import('../oauth/client-config.js'),
      import('./status-word.js'),
    ]);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const username = org.getUsername() ?? conn.getUsername() ?? '';
    const orgId = org.getOrgId();
    const loginUrl = checkUrl(messages, flags['login-url']);
    const siteUrl = checkUrl(messages, flags['site-url']);
    // No terminal on standard input: act as --no-prompt for secrets and site credentials (they come from the
    // environment); a production org is then refused unless --no-prompt is given (confirmProductionChange).
    const prompts = !flags['no-prompt'] && !this.jsonEnabled() && canPrompt();
    const progress = new Progress(this.spinner, (line) => this.logToStderr(line));
    const timeoutMs = flags.timeout.milliseconds;

    progress.start(messages.getMessage('info.reading', [username]));
    let configs: ClientConfig[];
    let isProduction: boolean;
    try {
      const facts = await orgFacts(conn);
      isProduction = facts.isProduction;
      configs = await resolveClients(
        conn,
        { apps: flags.app, all: flags.all, kind: this.kind, preferLoopbackCallback: flags.browser },
        { clientId: flags['client-id'], callbackUrl: flags['callback-url'], loginUrl: loginUrl ?? siteUrl },
      );
    } catch (e) {
      progress.stop('failed');
      if (e instanceof ClientConfigError) {
        // The message names the unknown apps and the close matches (apps/scope.ts words it for every command).
        throw messages.createError(`error.${e.code}`, [e.message]);
      }
      throw e;
    }
    progress.stop();

    await confirmProductionChange({
      isProduction,
      noPrompt: flags['no-prompt'],
      json: this.jsonEnabled(),
      orgName: username,
      what: messages.getMessage('what.production', [configs.length]),
      confirm: (message) => this.confirm({ message }),
    });

    if (!prompts && !flags['no-prompt'] && !this.jsonEnabled()) {
      const unknown = configs
        .filter((c) => c.clientType === 'confidential' && !secretFromEnv(c.app, configs.length))
        .map((c) => secretEnvName(c.app));
      if (unknown.length) this.warn(messages.getMessage('warning.noTerminal', [unknown.join(', ')]));
    }
    const plans: AppPlan[] = [];
    for (const config of configs) {
      plans.push({ config, secret: await this.secretFor(config, configs.length, prompts) });
    }

    const controller = new AbortController();
    const http = { timeoutMs, signal: controller.signal };
    const source = await this.codeSource(flags, conn, {
      loginUrl,
      siteUrl,
      timeoutMs,
      prompts,
      signal: controller.signal,
    });
    // Five approvals per user and app: the session counts the smoke user's before each app and refuses apps without
    // headroom; it records on disk, without secrets, which apps' checks began, so a kill -9 leaves findable approvals.
    const smokeUsername = this.siteUsername ?? username;
    let session: SmokeSession;
    try {
      session = await SmokeSession.open({
        conn,
        orgId,
        username: smokeUsername,
        source,
        command: `sf oauth ${this.kind} verify`,
        otherUser: messages.getMessage('info.otherUser'),
        http,
        signal: controller.signal,
      });
    } catch (e) {
      await source.close();
      if (e instanceof SmokeUserUnknown)
        throw messages.createError('error.smokeUserUnknown', [smokeUsername, e.reason]);
      throw e;
    }
    // Approvals a killed smoke run of this org left (its in-memory ledger died with it): revoked first, and said.
    const recovered = await SmokeSession.recoverCrashed(conn, orgId, { timeoutMs });
    if (recovered) this.warn(recovered);
    const concurrency = flags.browser ? 1 : flags.concurrency;
    if (flags.browser && flags.concurrency > 1 && configs.length > 1)
      this.warn(messages.getMessage('warning.browserConcurrency'));

    // Ctrl-C: stop the checks (pending requests are aborted); the cleanup below still revokes every token. A second
    // Ctrl-C ends the process at once (the listener is registered once).
    let interrupted = false;
    const onSignal = (): void => {
      interrupted = true;
      controller.abort();
      this.logToStderr(messages.getMessage('warning.interrupted'));
    };
    // SfCommand's own listeners exit at once (and with a stack trace); they are set aside while tokens may be live.
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const setAside = signals.map((signal) => [signal, process.listeners(signal)] as const);
    for (const signal of signals) {
      process.removeAllListeners(signal);
      process.once(signal, onSignal);
    }

    const started = new Date();
    let runs: SessionRun[] = [];
    let cleanup: CleanupSummary;
    progress.start(messages.getMessage('info.testing', [configs.length, Math.min(concurrency, configs.length)]));
    try {
      runs = await session.testAll(this.kind, plans, concurrency, ({ run, storeError }) => {
        progress.status(`${run.app}: ${appStatusWord(run)}`);
        if (storeError && !interrupted) this.warn(messages.getMessage('warning.storeFailed', [run.app, storeError]));
      });
    } finally {
      cleanup = await session.close();
      for (const [signal, listeners] of setAside) {
        process.off(signal, onSignal);
        for (const listener of listeners) process.on(signal, listener);
      }
      progress.stop();
    }
    if (interrupted) {
      this.logToStderr(messages.getMessage('info.cleanup', [cleanup.revoked, cleanup.notActive, cleanup.failed]));
      const error = messages.createError('error.interrupted', [cleanup.revoked, cleanup.failed]);
      error.exitCode = 130;
      throw error;
    }
    // A sign-in as another user than the one whose approvals were counted (--browser): the session revoked that
    // approval at once and tested nothing more, so there is no result to report, only what to do.
    if (session.stopped) throw this.wrongUserError(session.stopped);
    const apps: AppRun[] = runs.map((r) => r.run);
    const files = runs.flatMap((r) => (r.file ? [r.file] : []));
    const finished = new Date();
    const summary = summarize(apps);
    const result: VerifyResult = scrub(
      {
        kind: this.kind,
        orgId,
        username,
        serverUrl: configs[0]?.loginUrl ?? conn.instanceUrl,
        // Passed only when every app passed: its deciding check passed (model.ts AppVerdict). A not-proven app fails
        // the run. not-applicable does not: it is only RTR on an app whose metadata gives it no refresh scope, which
        // has no refresh token to rotate, so there is nothing to prove or to fix.
        passed: apps.every((a) => a.verdict === 'pass' || a.verdict === 'not-applicable'),
        summary,
        apps,
        cleanup,
        resultFiles: files,
        timings: {
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
          ms: finished.getTime() - started.getTime(),
          concurrency,
        },
      },
      session.secrets(plans),
    );

    await this.report(result, flags);
    const unproven = result.apps.filter((a) => a.verdict === 'not-proven');
    // A warning, so --json carries it too (in the envelope's warnings).
    if (unproven.length) this.warn(this.notProvenText(unproven, plans));
    if (!result.passed) process.exitCode = 1;
    return result;
  }

  /** The error of a run stopped at a sign-in as another user than the counted one, or as a user it cannot tell. */
  private wrongUserError(stopped: WrongUserSignedIn): Error {
    const messages = this.messages;
    const approval = messages.getMessage(stopped.revoked ? 'wrongUser.revoked' : 'wrongUser.notRevoked');
    const counted = stopped.counted.username;
    return stopped.signedIn
      ? messages.createError(
          'error.wrongUser',
          [stopped.signedIn, counted, stopped.app, stopped.signedIn, approval],
          [counted, stopped.signedIn],
        )
      : messages.createError('error.signedInUnknown', [stopped.app, counted, approval], [counted]);
  }

  /** The not-proven apps in one sentence, with what to do for each (the secret's variable when it was missing). */
  private notProvenText(unproven: AppRun[], plans: AppPlan[]): string {
    const messages = this.messages;
    const actions = unproven.map((app) => {
      const secretMissing = app.clientType === 'confidential' && !plans.find((p) => p.config.app === app.app)?.secret;
      return secretMissing
        ? messages.getMessage('warning.notProven.secret', [secretEnvName(app.app), app.app])
        : messages.getMessage('warning.notProven.other', [app.app, DECIDING_CHECK[this.kind]]);
    });
    return messages.getMessage('warning.notProven', [
      unproven.map((a) => a.app).join(', '),
      DECIDING_CHECK[this.kind],
      actions.join(' '),
    ]);
  }

  /**
   * Under the table, which the terminal may cut: why each failing check failed (its note, one line each) and what to do
   * per app: turn the setting on when it is off, else look at the evidence.
   */
  private async explainFailures(apps: AppRun[], org: Parsed['target-org']): Promise<void> {
    const failing = apps
      .map((app) => ({ app, checks: app.checks.filter((c) => c.verdict === 'fail') }))
      .filter((f) => f.checks.length);
    if (!failing.length) return;
    const username = org.getUsername() ?? '';
    const target = (await StateAggregator.getInstance()).aliases.resolveAlias(username) ?? username;
    const setting = { pkce: 'pkceRequired', rtr: 'rtrEnabled' } as const;
    const lines = [this.messages.getMessage('info.failures')];
    for (const { app, checks } of failing) {
      for (const c of checks) lines.push(`- ${this.messages.getMessage('info.failure', [app.app, c.id, c.note])}`);
      const off = app.settings[setting[this.kind]] === false;
      lines.push(
        '  ' +
          this.messages.getMessage(off ? 'info.failureAction.enable' : 'info.failureAction.inspect', [
            this.kind,
            app.app,
            target,
          ]),
      );
    }
    this.log(lines.join('\n'));
  }

  private async report(result: VerifyResult, flags: Parsed): Promise<void> {
    const messages = this.messages;
    const junit = flags['result-format'] === 'junit';
    if (junit && flags['output-file']) {
      await writeFile(flags['output-file'], toJunit(result), { mode: 0o600 });
    }
    if (junit && !flags['output-file']) {
      this.log(toJunit(result).trimEnd());
      return;
    }
    this.table(
      fitTable(
        {
          data: result.apps.flatMap((app) =>
            app.checks.map((c) => ({
              app: app.app,
              check: c.id,
              verdict: c.verdict,
              evidence: evidenceText(c) || c.note,
            })),
          ),
          columns: [
            { key: 'app', name: 'App' },
            { key: 'check', name: 'Check' },
            { key: 'verdict', name: 'Verdict' },
            { key: 'evidence', name: 'Evidence' },
          ],
        },
        ['evidence'],
      ),
    );
    for (const app of result.apps)
      if (app.error) this.warn(messages.getMessage('warning.appError', [app.app, app.error, app.action ?? '']));
    await this.explainFailures(result.apps, flags['target-org']);
    const s = result.summary;
    this.log(
      messages.getMessage('info.summary', [
        s.pass + s.fail + s['not-applicable'] + s.error + s.info,
        s.pass,
        s.fail,
        s['not-applicable'],
        s.error,
        s.info,
      ]),
    );
    this.log(
      messages.getMessage('info.cleanup', [result.cleanup.revoked, result.cleanup.notActive, result.cleanup.failed]),
    );
    if (result.cleanup.failed) this.warn(messages.getMessage('warning.cleanupFailed', [result.cleanup.failed]));
    if (result.resultFiles.length)
      this.log(
        wrapToWidth(
          messages.getMessage('info.stored', [
            [...new Set(result.resultFiles.map((f) => f.replace(/[/\\][^/\\]+$/, '')))].join(', '),
          ]),
        ),
      );
    if (junit && flags['output-file']) this.log(messages.getMessage('info.junitWritten', [flags['output-file']]));
  }

  private async secretFor(config: ClientConfig, apps: number, prompts: boolean): Promise<Secret | undefined> {
    if (config.clientType === 'public') return undefined;
    const fromEnv = secretFromEnv(config.app, apps);
    if (fromEnv) return fromEnv.secret;
    // Unknown client type (overrides only): a secret only from the environment; without one, the client is taken as public.
    if (config.clientType === null || !prompts) return undefined;
    const answer = await this.secretPrompt({ message: this.messages.getMessage('prompt.secret', [config.app]) });
    return answer ? new Secret(answer) : undefined;
  }

  private async codeSource(
    flags: Parsed,
    conn: import('@salesforce/core').Connection,
    o: { loginUrl?: string; siteUrl?: string; timeoutMs: number; prompts: boolean; signal: AbortSignal },
  ): Promise<CodeSource> {
    const { browserSource, codeCredentialsSource, frontdoorSource, redirectSource } =
      await import('../oauth/code-source.js');
    const http = { timeoutMs: o.timeoutMs, signal: o.signal };
    if (o.siteUrl) {
      let username = process.env.SF_OAUTH_USERNAME;
      let password = process.env.SF_OAUTH_PASSWORD;
      if ((!username || !password) && o.prompts) {
        if (!username) {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          username = (await rl.question(this.messages.getMessage('prompt.username', [o.siteUrl]) + ' ')).trim();
          rl.close();
        }
        password ??= await this.secretPrompt({ message: this.messages.getMessage('prompt.password', [username]) });
      }
      if (!username || !password) throw this.messages.createError('error.siteCredentials');
      this.siteUsername = username;
      return codeCredentialsSource(o.siteUrl, { username, password: new Secret(password) }, http);
    }
    const base = o.loginUrl ?? conn.instanceUrl.replace(/\/+$/, '');
    if (flags.browser) {
      return browserSource({
        loginUrl: base,
        timeoutMs: o.timeoutMs,
        signal: o.signal,
        onOpenFailed: (url) => this.log(this.messages.getMessage('info.openBrowser', [url])),
      });
    }
    if (o.loginUrl && new URL(o.loginUrl).origin !== new URL(conn.instanceUrl).origin)
      return redirectSource(o.loginUrl, http);
    const org = flags['target-org'];
    return frontdoorSource(
      conn.instanceUrl,
      async () => {
        try {
          await org.refreshAuth();
        } catch {
          // the frontdoor attempt reports a dead session itself
        }
        return org.getConnection(flags['api-version']).accessToken ?? '';
      },
      http,
    );
  }
}
