/*
 * The conformance report as text for people and as JUnit XML for CI systems (one test suite per client, one test case
 * per requirement: a failure with the fix; skipped when not exercised; advice is a PASSING test case whose
 * <system-out> starts with "advice:", so that CI fails only on what Salesforce refuses and still shows the advice).
 */
import type { ClientReport, ConformanceReport, RequirementResult, SmokeTestsReport } from './requirements.js';
import { SMOKE_USER_AGENT_PRODUCT } from './smoke-marker.js';

const KIND_LABEL: Record<ClientReport['kind'], string> = {
  ConnectedApp: 'Connected App',
  ExternalClientApplication: 'External Client App',
  FirstParty: 'first-party app',
};

const VERDICT_LABEL: Record<RequirementResult['verdict'], string> = {
  pass: 'pass',
  fail: 'FAIL',
  advice: 'advice',
  'not exercised': 'not exercised',
};

/** `2026-05-01T10:00:00.000Z` -> `2026-05-01 10:00:00`. */
const shortTime = (iso?: string): string =>
  iso
    ? iso
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '')
        .replace(/Z$/, '')
    : '';

function countsLine(r: RequirementResult): string {
  return Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
}

/**
 * Words of `text` in lines of at most `width` characters, the first starting with `first`, the rest with `rest`. Ours,
 * not the client core's (the emulator imports nothing from it); a word longer than the width keeps its own line.
 */
function wrap(text: string, width: number, first = '', rest = first): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const prefix = out.length ? rest : first;
    if (line && prefix.length + line.length + 1 + word.length > width) {
      out.push(prefix + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push((out.length ? rest : first) + line);
  return out;
}

/**
 * Columns apart by two spaces, within `width` after the `indent`: when a row is too wide, the columns from `dropFrom`
 * on before the last are left out one by one (replaced by one `…` column), then the last column wraps under itself.
 */
function table(rows: string[][], width: number, indent: string, dropFrom: number): string[] {
  const natural = (cols: number[]): number[] => cols.map((i) => Math.max(...rows.map((r) => r[i].length)));
  const total = (w: number[]): number => w.reduce((a, b) => a + b, 0) + 2 * (w.length - 1) + indent.length;
  const last = rows[0].length - 1;
  let cols = rows[0].map((_, i) => i);
  const fixed = (c: number[]): number => total(natural(c).slice(0, -1)) + 2;
  // keep at least 30 characters for the last column's text before leaving columns out
  for (let drop = last - 1; drop >= dropFrom && fixed(cols) + Math.min(30, natural([last])[0]) > width; drop--)
    cols = cols.filter((i) => i !== drop);
  const elided = cols.length < rows[0].length;
  const widths = natural(cols);
  const lastWidth = Math.max(10, width - fixed(cols) - (elided ? 3 : 0));
  return rows.flatMap((r) => {
    const head = cols.slice(0, -1).map((i, k) => r[i].padEnd(widths[k]));
    if (elided) head.push('…');
    const lead = indent + head.join('  ') + '  ';
    const tail = wrap(r[last], lastWidth);
    if (!tail.length) return [lead.trimEnd()];
    return tail.map((t, k) => (k ? ' '.repeat(lead.length) : lead) + t);
  });
}

const msText = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * What is known of how long after their rotation rotated-out refresh tokens were presented: exact times for tokens
 * rotated while the emulator ran, a lower bound for tokens rotated before a restart, nothing for old logs.
 */
export function rotatedOutText(uses: ClientReport['rotatedOutUses']): string {
  const parts: string[] = [];
  const exact = uses.filter((u) => u.msAfterRotation !== undefined).map((u) => u.msAfterRotation as number);
  if (exact.length)
    parts.push(
      `${exact.length} rotated while the emulator ran, the longest ${msText(Math.max(...exact))} after rotation`,
    );
  const bounded = uses.filter((u) => u.msAfterRotation === undefined && u.minMsAfterRotation !== undefined);
  if (bounded.length) {
    const before = bounded.map((u) => u.rotatedBefore ?? '').sort()[0];
    const least = Math.min(...bounded.map((u) => u.minMsAfterRotation as number));
    parts.push(
      `${bounded.length} rotated before ${shortTime(before)} (a restart; exact times are not kept), at least ${msText(least)} after rotation`,
    );
  }
  const unknown = uses.length - exact.length - bounded.length;
  if (unknown) parts.push(`${unknown} at an unknown time after rotation`);
  return `Rotated-out refresh tokens presented ${uses.length} time(s): ${parts.join('; ')}.`;
}

function verdictText(client: ClientReport): string {
  const advice = client.advised ? `, ${client.advised} with advice` : '';
  return client.verdict === 'fail'
    ? `FAIL (${client.failed} failing${advice})`
    : client.verdict === 'advice'
      ? `PASS with advice (${client.advised})`
      : client.verdict === 'pass'
        ? 'PASS'
        : 'NOT EXERCISED';
}

/** A consumer key in a heading that does not fit: its first characters, as the README shows it (`3MVG9EMU…`). */
const shortKey = (key: string): string => (key.length > 9 ? `${key.slice(0, 8)}…` : key);

/** Marks the entry of an app that holds the plugin's own smoke tests against it (`--include-smoke-tests`). */
const SMOKE_MARK = ' [sf oauth smoke tests]';

/** What the report did with the plugin's own smoke tests (smoke-marker.ts), when there were any. */
export function smokeTestsLine(smoke: SmokeTestsReport | undefined): string | undefined {
  if (!smoke?.requests) return undefined;
  const what = `${smoke.requests} request(s) of the plugin's own smoke tests (User-Agent ${SMOKE_USER_AGENT_PRODUCT}/...) against ${smoke.apps} app(s)`;
  return smoke.included
    ? `Included: ${what}, marked${SMOKE_MARK}; their deliberate mistakes fail by design.`
    : `Left out: ${what}, whose deliberate mistakes are not the apps' failures. Add --include-smoke-tests to report them.`;
}

/** The report as text, each line within `width` characters (a terminal's, or 120 in a pipe); unlimited by default. */
export function formatHuman(report: ConformanceReport, width = Number.POSITIVE_INFINITY): string {
  const lines: string[] = [];
  const para = (text: string, first = '', rest = first): void => {
    lines.push(...(Number.isFinite(width) ? wrap(text, width, first, rest) : [first + text]));
  };
  para(
    `OAuth client conformance, recorded since ${shortTime(report.since)} (generated ${shortTime(report.generatedAt)})`,
  );
  const smoke = smokeTestsLine(report.smokeTests);
  if (smoke) para(smoke);
  if (!report.clients.length) {
    lines.push('', 'No OAuth client activity was recorded. Point your client at the emulator and run its tests first.');
    return lines.join('\n') + '\n';
  }
  for (const client of report.clients) {
    lines.push('');
    const verdict = verdictText(client);
    const heading = (key: string): string =>
      `${client.appName} (${key})${client.smokeTests ? SMOKE_MARK : ''}, ${KIND_LABEL[client.kind]}, ${client.clientType} client${client.rotationEnabled ? ', rotation on' : ''}: ${verdict}`;
    para(heading(heading(client.clientId).length > width ? shortKey(client.clientId) : client.clientId), '', '  ');
    para(
      `seen ${shortTime(client.firstSeen)} to ${shortTime(client.lastSeen)}; ${client.passed} passed, ${client.failed} failed, ${client.advised} with advice, ${client.notExercised} not exercised`,
      '  ',
      '    ',
    );
    const rows = [['Requirement', 'Verdict', 'Seen', 'Failures', 'Advice', 'First', 'Last', 'Counts']];
    for (const r of client.requirements) {
      rows.push([
        r.id,
        VERDICT_LABEL[r.verdict],
        String(r.exercised),
        String(r.failures),
        String(r.advisories),
        shortTime(r.first),
        shortTime(r.last),
        countsLine(r),
      ]);
    }
    // when the width is short, Last, First, Advice, Failures and Seen are left out in that order
    lines.push(...table(rows, width, '  ', 2));
    const failing = client.requirements.filter((r) => r.verdict === 'fail');
    if (failing.length) {
      lines.push('  To fix:');
      for (const r of failing) para(`${r.id} (${r.title}): ${r.fix ?? ''}`, '  - ', '    ');
    }
    const advised = client.requirements.filter((r) => r.advice);
    if (advised.length) {
      lines.push('  Advice (deviations Salesforce accepts today; not failures):');
      for (const r of advised) para(`${r.id}: ${r.advice ?? ''}`, '  - ', '    ');
    }
    if (client.rotatedOutUses.length) para(rotatedOutText(client.rotatedOutUses), '  ', '    ');
    if (client.verifierLength)
      lines.push(`  code_verifier lengths: ${client.verifierLength.min} to ${client.verifierLength.max} characters.`);
    for (const uri of client.redirectUris)
      para(
        `redirect_uri ${uri.uri}: ${uri.count} authorization(s)${uri.registered ? '' : ' (not registered)'}`,
        '  ',
        '    ',
      );
  }
  lines.push('');
  const s = report.summary;
  const adviceLine = s.advisedRequirements ? ` ${s.advisedRequirements} requirement(s) pass with advice.` : '';
  para(
    report.success
      ? `All requirements exercised by ${s.clients} client(s) pass.${adviceLine}`
      : `${s.failedRequirements} requirement(s) fail across ${s.failingClients} of ${s.clients} client(s).${adviceLine}`,
  );
  return lines.join('\n') + '\n';
}

/** Escapes text for XML 1.0 and drops the characters XML cannot carry. */
export function xmlEscape(value: string): string {
  return [...value]
    .filter((ch) => {
      const code = ch.codePointAt(0) ?? 0;
      return (
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7_ff) ||
        (code >= 0xe0_00 && code <= 0xff_fd) ||
        code >= 0x1_00_00
      );
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
  out.push(
    `<testsuites ${attrs({ name: 'OAuth client conformance', tests, failures: report.summary.failedRequirements, errors: 0, skipped, time: 0 })}>`,
  );
  for (const client of report.clients) {
    const suite = `${client.appName} (${client.clientId})${client.smokeTests ? SMOKE_MARK : ''}`;
    out.push(
      `  <testsuite ${attrs({ name: suite, tests: client.requirements.length, failures: client.failed, errors: 0, skipped: client.notExercised, time: 0, timestamp: client.lastSeen.replace(/\.\d+Z$/, '') })}>`,
    );
    out.push('    <properties>');
    for (const [name, value] of Object.entries({
      clientId: client.clientId,
      appName: client.appName,
      kind: client.kind,
      clientType: client.clientType,
      since: report.since,
    })) {
      out.push(`      <property ${attrs({ name, value })}/>`);
    }
    out.push('    </properties>');
    for (const r of client.requirements) {
      const head = `    <testcase ${attrs({ classname: `oauth.conformance.${client.appName}`, name: `${r.id}: ${r.title}`, time: 0 })}`;
      const detail = `seen ${r.exercised}, failures ${r.failures}, advice ${r.advisories}${r.first ? `, first ${r.first}, last ${r.last ?? ''}` : ''}; ${countsLine(r) || 'no counts'}`;
      if (r.verdict === 'fail') {
        out.push(`${head}>`);
        out.push(
          `      <failure ${attrs({ type: r.id, message: r.fix ?? r.title })}>${xmlEscape(`${detail}${r.firstFailure ? `; first failure ${r.firstFailure}, last ${r.lastFailure ?? ''}` : ''}`)}</failure>`,
        );
        out.push('    </testcase>');
      } else if (r.verdict === 'not exercised') {
        out.push(`${head}>`);
        out.push(`      <skipped ${attrs({ message: 'not exercised' })}/>`);
        out.push('    </testcase>');
      } else {
        // Advice stays a pass: Salesforce accepts it, so it must not fail a CI gate; the text still says what to change.
        const text = r.advice
          ? `advice: ${r.advice}\n${detail}${r.firstAdvice ? `; first advice ${r.firstAdvice}, last ${r.lastAdvice ?? ''}` : ''}`
          : detail;
        out.push(`${head}>`);
        out.push(`      <system-out>${xmlEscape(text)}</system-out>`);
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
