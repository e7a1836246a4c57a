/*
 * Reports of a rollout for CI: a Markdown summary (to publish, e.g. as $GITHUB_STEP_SUMMARY) and JUnit XML (one
 * testsuite per phase, one testcase per step). Both are made from the journal, which holds no token or secret.
 */
import { xmlEscape } from '../smoke/junit.js';
import type { JournalStep } from './journal.js';
import type { RolloutResult } from './run.js';

const PHASE_TITLES: Record<string, string> = {
  audit: 'Audit',
  backup: 'Backup',
  'pkce-enable': 'PKCE on per app',
  'pkce-verify': 'PKCE smoke tests',
  'rtr-enable': 'Refresh token rotation on per app',
  'rtr-verify': 'Rotation smoke tests',
  'require-pkce': 'Org-wide Require PKCE',
};

export const phaseTitle = (phase: string): string => PHASE_TITLES[phase] ?? phase;

const ICON: Record<string, string> = {
  done: '✅',
  failed: '❌',
  pending: '⏸️',
  skipped: '➖',
  interrupted: '⏸️',
  running: '⏳',
  'rolled-back': '↩️',
  'kept-on-by-salesforce': '🔒',
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** One sentence per stale-token app: Salesforce's 30-day idle timeout will expire its refresh tokens. */
export function staleTokenWarnings(result: Pick<RolloutResult, 'staleTokens'>): string[] {
  return result.staleTokens.map(
    (s) =>
      `${s.app}: ${s.tokens} refresh token(s) unused for over 30 days; Salesforce's idle timeout will expire them, so their users must authorize again.`,
  );
}

export function toMarkdown(result: RolloutResult): string {
  const lines: string[] = [];
  const headline =
    result.status === 'completed'
      ? `✅ Rollout completed${result.requirePkceTurnedOn ? ': org-wide Require PKCE is on' : ''}`
      : result.status === 'failed'
        ? `❌ Rollout stopped at "${phaseTitle(result.stoppedAt ?? '')}"`
        : result.status === 'interrupted'
          ? `⏸️ Rollout interrupted in "${phaseTitle(result.stoppedAt ?? '')}": run it again to resume`
          : `Rollout ${result.status}`;
  lines.push(`## sf oauth rollout: ${headline}`, '');
  lines.push(
    `Org \`${result.orgId}\` (${result.username}), rollout \`${result.rolloutId}\`, plan \`${result.planFile}\`, run ${result.runs}${result.resumed ? ' (resumed)' : ''}.`,
    '',
  );
  lines.push('| Phase | Status | Steps | Done | Failed | Rolled back |', '|---|---|---|---|---|---|');
  for (const p of result.phases)
    lines.push(
      `| ${phaseTitle(p.phase)} | ${ICON[p.status] ?? ''} ${p.status} | ${p.steps} | ${p.done} | ${p.failed} | ${p.rolledBack} |`,
    );
  const notable = result.steps.filter(
    (s) => s.status === 'failed' || s.status === 'rolled-back' || s.status === 'kept-on-by-salesforce',
  );
  if (notable.length) {
    lines.push('', '### Needs attention', '', '| Step | Status | Detail |', '|---|---|---|');
    for (const s of notable) lines.push(`| \`${s.id}\` | ${ICON[s.status]} ${s.status} | ${cell(s.detail ?? '')} |`);
  }
  if (result.blockers.length) {
    lines.push('', '### Apps that block Require PKCE', '', '| App | Why |', '|---|---|');
    for (const b of result.blockers) lines.push(`| \`${b.app}\` | ${cell(b.reason)} |`);
  }
  const stale = staleTokenWarnings(result);
  if (stale.length) {
    lines.push('', '### Refresh tokens unused for over 30 days', '');
    for (const w of stale) lines.push(`- ⚠️ ${w}`);
  }
  if (result.warnings.length) {
    lines.push('', '### Warnings', '');
    for (const w of result.warnings) lines.push(`- ${w}`);
  }
  lines.push(
    '',
    `Journal: \`${result.journalFile}\`. Undo: \`sf oauth rollout undo --target-org ${result.username}\`.`,
  );
  return lines.join('\n') + '\n';
}

function testcase(step: JournalStep): string {
  const ms = step.startedAt && step.finishedAt ? Date.parse(step.finishedAt) - Date.parse(step.startedAt) : 0;
  const open = `    <testcase classname="${xmlEscape(`oauth.rollout.${step.phase}`)}" name="${xmlEscape(step.id)}" time="${(Math.max(0, ms) / 1000).toFixed(3)}"`;
  const detail = xmlEscape(step.detail ?? '');
  switch (step.status) {
    case 'done':
      return `${open}>\n      <system-out>${detail}</system-out>\n    </testcase>`;
    case 'failed':
      return `${open}>\n      <failure message="${detail}" type="failed">${detail}</failure>\n    </testcase>`;
    case 'rolled-back':
      return `${open}>\n      <skipped message="${xmlEscape(`rolled back: ${step.detail ?? ''}`)}"/>\n    </testcase>`;
    case 'kept-on-by-salesforce':
      // The rollback could not take the change back: a failure to look at, not a skip.
      return `${open}>\n      <failure message="${detail}" type="kept-on-by-salesforce">${detail}</failure>\n    </testcase>`;
    default:
      return `${open}>\n      <skipped message="${xmlEscape(step.status === 'running' ? 'interrupted while running' : 'not run')}"/>\n    </testcase>`;
  }
}

export function toRolloutJunit(result: RolloutResult): string {
  const suites = result.phases.map((p) => {
    const steps = result.steps.filter((s) => s.phase === p.phase);
    const failures = steps.filter((s) => s.status === 'failed' || s.status === 'kept-on-by-salesforce').length;
    const skipped = steps.filter(
      (s) => s.status !== 'done' && s.status !== 'failed' && s.status !== 'kept-on-by-salesforce',
    ).length;
    const body = steps.map(testcase).join('\n');
    return `  <testsuite name="${xmlEscape(`rollout ${p.phase}`)}" tests="${steps.length}" failures="${failures}" errors="0" skipped="${skipped}">${body ? `\n${body}\n  ` : ''}</testsuite>`;
  });
  const tests = result.steps.length;
  const failures = result.steps.filter((s) => s.status === 'failed' || s.status === 'kept-on-by-salesforce').length;
  const skipped = result.steps.filter(
    (s) => s.status !== 'done' && s.status !== 'failed' && s.status !== 'kept-on-by-salesforce',
  ).length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sf oauth rollout run" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
