/*
 * The Markdown report of `sf oauth org check --report-file`: safe to attach to a bug report or a change ticket. It names
 * the org's environment (sandbox or production) and API versions, never the org name or id, the user name, the instance
 * URL, a consumer key, a token or a secret; a last pass replaces any known sensitive value that slipped into a detail.
 */
import { STATUS_ORDER, type CheckItem, type CheckStatus, type OrgCheckResult } from './model.js';

const MARK: Record<CheckStatus, string> = { pass: 'pass', warn: '**warn**', fail: '**FAIL**' };

/** `|` and line breaks would break a table cell. */
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(items: CheckItem[], withApp: boolean): string[] {
  const head = withApp
    ? ['| App | Check | Result | Detail | Action |', '|---|---|---|---|---|']
    : ['| Check | Result | Detail | Action |', '|---|---|---|---|'];
  return [
    ...head,
    ...items.map(
      (c) =>
        `| ${withApp ? `${cell(c.app ?? '')} | ` : ''}${cell(c.title)} | ${MARK[c.status]} | ${cell(c.detail)} | ${cell(c.action ?? '')} |`,
    ),
  ];
}

/** The report as Markdown. `sensitive`: values that must not appear (secrets from the environment, the user name). */
export function renderReport(
  result: OrgCheckResult,
  options: { generatedAt?: Date; sensitive?: Array<string | null | undefined> } = {},
): string {
  const { org, summary } = result;
  const lines = [
    '# sf oauth org check',
    '',
    `- Org: ${org.environment ?? 'unknown environment'}`,
    `- API version of this run: ${org.apiVersion}; newest the org offers: ${org.latestApiVersion ?? 'unknown'}`,
    `- Activity window: ${result.days} days`,
    `- Generated: ${(options.generatedAt ?? new Date()).toISOString()}`,
    `- Result: ${result.passed ? 'no check failed' : `${summary.fail} check(s) failed`} (${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail)`,
    '',
    'The org name and id, the user name and the instance URL are left out on purpose. No token, secret or code was created or recorded.',
    '',
  ];
  const byStatus = (a: CheckItem, b: CheckItem): number =>
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status);
  const orgWide = result.checks.filter((c) => c.group !== 'app');
  const perApp = result.checks.filter((c) => c.group === 'app');
  lines.push(
    '## Access',
    '',
    ...table(
      orgWide.filter((c) => c.group === 'access'),
      false,
    ),
    '',
  );
  lines.push(
    '## How the org answers',
    '',
    ...table(
      orgWide.filter((c) => c.group === 'answers'),
      false,
    ),
    '',
  );
  if (perApp.length) {
    const attention = perApp.filter((c) => c.status !== 'pass').sort(byStatus);
    lines.push('## Apps that need attention', '', ...(attention.length ? table(attention, true) : ['None.']), '');
    lines.push('## Every app check', '', ...table(perApp, true), '');
  }
  let text = lines.join('\n');
  for (const value of options.sensitive ?? [])
    if (value && value.length >= 4) text = text.split(value).join('{redacted}');
  return text;
}
