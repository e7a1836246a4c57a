/*
 * The conformance report as text for people and as JUnit XML for CI systems (one test suite per client, one test case
 * per requirement: a failure with the fix, or skipped when not exercised).
 */
import type { ClientReport, ConformanceReport, RequirementResult } from './requirements.js';

const KIND_LABEL: Record<ClientReport['kind'], string> = {
  ConnectedApp: 'Connected App',
  ExternalClientApplication: 'External Client App',
  FirstParty: 'first-party app',
};

const VERDICT_LABEL: Record<RequirementResult['verdict'], string> = { pass: 'pass', fail: 'FAIL', 'not exercised': 'not exercised' };

/** `2026-05-01T10:00:00.000Z` -> `2026-05-01 10:00:00`. */
const shortTime = (iso?: string): string => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '') : '');

function countsLine(r: RequirementResult): string {
  return Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
}

function msText(ms?: number): string {
  if (ms === undefined) return 'unknown time';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatHuman(report: ConformanceReport): string {
  const lines: string[] = [];
  lines.push(`OAuth client conformance, recorded since ${shortTime(report.since)} (generated ${shortTime(report.generatedAt)})`);
  if (!report.clients.length) {
    lines.push('', 'No OAuth client activity was recorded. Point your client at the emulator and run its tests first.');
    return lines.join('\n') + '\n';
  }
  for (const client of report.clients) {
    lines.push('');
    const verdict = client.verdict === 'fail' ? `FAIL (${client.failed} failing)` : client.verdict === 'pass' ? 'PASS' : 'NOT EXERCISED';
    lines.push(`${client.appName} (${client.clientId}), ${KIND_LABEL[client.kind]}, ${client.clientType} client${client.rotationEnabled ? ', rotation on' : ''}: ${verdict}`);
    lines.push(`  seen ${shortTime(client.firstSeen)} to ${shortTime(client.lastSeen)}; ${client.passed} passed, ${client.failed} failed, ${client.notExercised} not exercised`);
    const rows = [['Requirement', 'Verdict', 'Seen', 'Failures', 'First', 'Last', 'Counts']];
    for (const r of client.requirements) {
      rows.push([r.id, VERDICT_LABEL[r.verdict], String(r.exercised), String(r.failures), shortTime(r.first), shortTime(r.last), countsLine(r)]);
    }
    lines.push(...table(rows).map((l) => `  ${l}`));
    const failing = client.requirements.filter((r) => r.verdict === 'fail');
    if (failing.length) {
      lines.push('  To fix:');
      for (const r of failing) lines.push(`  - ${r.id} (${r.title}): ${r.fix ?? ''}`);
    }
    if (client.rotatedOutUses.length) {
      const longest = Math.max(...client.rotatedOutUses.map((u) => u.msAfterRotation ?? 0));
      lines.push(`  Rotated-out refresh tokens presented ${client.rotatedOutUses.length} time(s), the longest ${msText(longest)} after rotation.`);
    }
    if (client.verifierLength) lines.push(`  code_verifier lengths: ${client.verifierLength.min} to ${client.verifierLength.max} characters.`);
    for (const uri of client.redirectUris) lines.push(`  redirect_uri ${uri.uri}: ${uri.count} authorization(s)${uri.registered ? '' : ' (not registered)'}`);
  }
  lines.push('');
  const s = report.summary;
  lines.push(
    report.success
      ? `All requirements exercised by ${s.clients} client(s) pass.`
      : `${s.failedRequirements} requirement(s) fail across ${s.failingClients} of ${s.clients} client(s).`
  );
  return lines.join('\n') + '\n';
}

/** Escapes text for XML 1.0 and drops the characters XML cannot carry. */
export function xmlEscape(value: string): string {
  return [...value]
    .filter((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    })
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attrs = (values: Record<string, string | number>): string =>
  Object.entries(values)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');

export function formatJunit(report: ConformanceReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const tests = report.clients.reduce((n, c) => n + c.requirements.length, 0);
  const skipped = report.clients.reduce((n, c) => n + c.notExercised, 0);
  out.push(`<testsuites ${attrs({ name: 'OAuth client conformance', tests, failures: report.summary.failedRequirements, errors: 0, skipped, time: 0 })}>`);
  for (const client of report.clients) {
    const suite = `${client.appName} (${client.clientId})`;
    out.push(
      `  <testsuite ${attrs({ name: suite, tests: client.requirements.length, failures: client.failed, errors: 0, skipped: client.notExercised, time: 0, timestamp: client.lastSeen.replace(/\.\d+Z$/, '') })}>`
    );
    out.push('    <properties>');
    for (const [name, value] of Object.entries({ clientId: client.clientId, appName: client.appName, kind: client.kind, clientType: client.clientType, since: report.since })) {
      out.push(`      <property ${attrs({ name, value })}/>`);
    }
    out.push('    </properties>');
    for (const r of client.requirements) {
      const head = `    <testcase ${attrs({ classname: `oauth.conformance.${client.appName}`, name: `${r.id}: ${r.title}`, time: 0 })}`;
      const detail = `seen ${r.exercised}, failures ${r.failures}${r.first ? `, first ${r.first}, last ${r.last ?? ''}` : ''}; ${countsLine(r) || 'no counts'}`;
      if (r.verdict === 'fail') {
        out.push(`${head}>`);
        out.push(`      <failure ${attrs({ type: r.id, message: r.fix ?? r.title })}>${xmlEscape(`${detail}${r.firstFailure ? `; first failure ${r.firstFailure}, last ${r.lastFailure ?? ''}` : ''}`)}</failure>`);
        out.push('    </testcase>');
      } else if (r.verdict === 'not exercised') {
        out.push(`${head}>`);
        out.push(`      <skipped ${attrs({ message: 'not exercised' })}/>`);
        out.push('    </testcase>');
      } else {
        out.push(`${head}>`);
        out.push(`      <system-out>${xmlEscape(detail)}</system-out>`);
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
