/*
 * JUnit XML for CI: one testsuite per app, one testcase per check. fail -> <failure>, error -> <error>,
 * not-applicable -> <skipped>, info -> passes with the finding in <system-out>.
 *
 * A not-proven app (model.ts AppVerdict) reports its deciding check as a <failure type="not-proven"> with the reason,
 * not as <skipped>: CI test reports (Jenkins, GitLab, GitHub test reporters) show skipped tests as neutral and keep a
 * run with only skips green, which would contradict the command's exit code 1 and hide the one check that decides.
 * A failure is shown red with its message (the missing secret's variable, say), where people look.
 */
import { DECIDING_CHECK, type AppRun, type CheckResult, type VerifyResult } from './model.js';

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

type Outcome = 'passed' | 'failure' | 'error' | 'skipped';
type Case = { xml: string; outcome: Outcome };

function testcase(app: AppRun, c: CheckResult): Case {
  const open = `    <testcase classname="${xmlEscape(`oauth.${app.kind}.${app.app}`)}" name="${xmlEscape(c.id)}: ${xmlEscape(c.title)}" time="${seconds(c.ms)}"`;
  const detail = xmlEscape(`${c.note}${evidenceText(c) ? `\nEvidence: ${evidenceText(c)}` : ''}`);
  if (app.verdict === 'not-proven' && c.id === DECIDING_CHECK[app.kind]) {
    const message = `Not proven: the check that decides could not be made. ${c.note}`;
    return {
      xml: `${open}>\n      <failure message="${xmlEscape(message)}" type="not-proven">${detail}</failure>\n    </testcase>`,
      outcome: 'failure',
    };
  }
  switch (c.verdict) {
    case 'fail':
      return {
        xml: `${open}>\n      <failure message="${xmlEscape(c.note)}" type="${xmlEscape(c.evidence.error ?? 'fail')}">${detail}</failure>\n    </testcase>`,
        outcome: 'failure',
      };
    case 'error':
      return {
        xml: `${open}>\n      <error message="${xmlEscape(c.note)}" type="${xmlEscape(c.evidence.error ?? 'error')}">${detail}</error>\n    </testcase>`,
        outcome: 'error',
      };
    case 'not-applicable':
      return { xml: `${open}>\n      <skipped message="${xmlEscape(c.note)}"/>\n    </testcase>`, outcome: 'skipped' };
    default:
      return { xml: `${open}>\n      <system-out>${detail}</system-out>\n    </testcase>`, outcome: 'passed' };
  }
}

/** The app's testcases; a not-proven app whose deciding check is missing from its checks gets one saying so. */
function testcases(app: AppRun): Case[] {
  const cases = app.checks.map((c) => testcase(app, c));
  const key = DECIDING_CHECK[app.kind];
  if (app.verdict === 'not-proven' && !app.checks.some((c) => c.id === key)) {
    cases.push(
      testcase(app, {
        id: key,
        title: 'The check that decides',
        verdict: 'not-applicable',
        evidence: { at: 'none' },
        note: `${key} did not run.`,
        ms: 0,
      }),
    );
  }
  return cases;
}

export function toJunit(result: VerifyResult): string {
  const totals: Record<Outcome, number> = { passed: 0, failure: 0, error: 0, skipped: 0 };
  const suites = result.apps.map((app) => {
    const cases = testcases(app);
    const count = (outcome: Outcome): number => cases.filter((c) => c.outcome === outcome).length;
    for (const c of cases) totals[c.outcome]++;
    const head =
      `  <testsuite name="${xmlEscape(`${app.kind} ${app.app}`)}" tests="${cases.length}" failures="${count('failure')}" ` +
      `errors="${count('error')}" skipped="${count('skipped')}" time="${seconds(app.timings.ms)}" timestamp="${app.timings.startedAt}">`;
    const props = [
      ['app', app.app],
      ['clientId', app.clientId],
      ['serverUrl', app.serverUrl],
      ['codeSource', app.codeSource],
      ['settingsLastModified', app.settingsLastModified ?? ''],
      ['verdict', app.verdict],
    ]
      .map(([k, v]) => `      <property name="${k}" value="${xmlEscape(v)}"/>`)
      .join('\n');
    const err = app.error
      ? `\n    <system-err>${xmlEscape(`${app.error}${app.action ? `\n${app.action}` : ''}`)}</system-err>`
      : '';
    return `${head}\n    <properties>\n${props}\n    </properties>\n${cases.map((c) => c.xml).join('\n')}${err}\n  </testsuite>`;
  });
  const total = totals.passed + totals.failure + totals.error + totals.skipped;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="sf oauth ${result.kind} verify" tests="${total}" failures="${totals.failure}" errors="${totals.error}" ` +
    `skipped="${totals.skipped}" time="${seconds(result.timings.ms)}">\n${suites.join('\n')}\n</testsuites>\n`
  );
}
