/*
 * JUnit XML for CI: one testsuite per app, one testcase per check. fail -> <failure>, error -> <error>,
 * not-applicable -> <skipped>, info -> passes with the finding in <system-out>.
 */
import type { AppRun, CheckResult, VerifyResult } from './model.js';

export function xmlEscape(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

export function evidenceText(c: CheckResult): string {
  const e = c.evidence;
  const parts = [
    e.at !== 'none' ? `at ${e.at}` : '',
    e.status ? `HTTP ${e.status}` : '',
    e.error ?? '',
    e.error_description ? `"${e.error_description}"` : '',
  ].filter(Boolean);
  return parts.join(' ');
}

function testcase(app: AppRun, c: CheckResult): string {
  const open = `    <testcase classname="${xmlEscape(`oauth.${app.kind}.${app.app}`)}" name="${xmlEscape(c.id)}: ${xmlEscape(c.title)}" time="${seconds(c.ms)}"`;
  const detail = xmlEscape(`${c.note}${evidenceText(c) ? `\nEvidence: ${evidenceText(c)}` : ''}`);
  switch (c.verdict) {
    case 'fail':
      return `${open}>\n      <failure message="${xmlEscape(c.note)}" type="${xmlEscape(c.evidence.error ?? 'fail')}">${detail}</failure>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${xmlEscape(c.note)}" type="${xmlEscape(c.evidence.error ?? 'error')}">${detail}</error>\n    </testcase>`;
    case 'not-applicable':
      return `${open}>\n      <skipped message="${xmlEscape(c.note)}"/>\n    </testcase>`;
    default:
      return `${open}>\n      <system-out>${detail}</system-out>\n    </testcase>`;
  }
}

export function toJunit(result: VerifyResult): string {
  const count = (app: AppRun, v: CheckResult['verdict']): number => app.checks.filter((c) => c.verdict === v).length;
  const suites = result.apps.map((app) => {
    const head =
      `  <testsuite name="${xmlEscape(`${app.kind} ${app.app}`)}" tests="${app.checks.length}" failures="${count(app, 'fail')}" ` +
      `errors="${count(app, 'error')}" skipped="${count(app, 'not-applicable')}" time="${seconds(app.timings.ms)}" timestamp="${app.timings.startedAt}">`;
    const props = [
      ['app', app.app],
      ['clientId', app.clientId],
      ['serverUrl', app.serverUrl],
      ['codeSource', app.codeSource],
      ['settingsLastModified', app.settingsLastModified ?? ''],
    ]
      .map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v)}"/>`)
      .join('\n');
    const err = app.error
      ? `\n    <system-err>${xmlEscape(`${app.error}${app.action ? `\n${app.action}` : ''}`)}</system-err>`
      : '';
    return `${head}\n    <properties>\n${props}\n    </properties>\n${app.checks.map((c) => testcase(app, c)).join('\n')}${err}\n  </testsuite>`;
  });
  const total = result.apps.reduce((n, a) => n + a.checks.length, 0);
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="sf oauth ${result.kind} verify" tests="${total}" failures="${result.summary.fail}" errors="${result.summary.error}" ` +
    `skipped="${result.summary['not-applicable']}" time="${seconds(result.timings.ms)}">\n${suites.join('\n')}\n</testsuites>\n`
  );
}
