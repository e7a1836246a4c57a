/*
 * The pieces behind the terminal behaviour, one by one: the width output is laid out for, the app list's column
 * choice and wrapped reasons, progress as lines when nothing animates, and the smoke-test status word.
 */
import { expect } from 'chai';
import type { Spinner } from '@salesforce/sf-plugins-core';
import { reasonLines, tableLayout, tableWidth, wrapText, type TableCells } from '../../src/apps/table-layout.js';
import type { AppRow } from '../../src/apps/model.js';
import { Progress } from '../../src/cli/progress.js';
import { appStatusWord } from '../../src/cli/status-word.js';
import { terminalWidth } from '../../src/cli/terminal.js';
import type { CheckResult } from '../../src/smoke/model.js';

const cells = (name: string, extra: Partial<TableCells> = {}): TableCells => ({
  name,
  kind: 'Connected App',
  owner: 'mcconn: Northwind Software',
  client: 'confidential',
  flows: 'auth code, code creds',
  pkce: 'off',
  rtr: 'off',
  refresh: '30 days idle',
  tokens: '2 (1 stale)',
  lastUsed: '2026-11-29',
  activity: 'active',
  verdict: 'needs-action',
  ...extra,
});

const check = (id: string, verdict: CheckResult['verdict']): CheckResult => ({
  id,
  title: id,
  verdict,
  evidence: { at: 'none' },
  note: '',
  ms: 0,
});

describe('terminal width', () => {
  it('a terminal gives its own width; a pipe takes COLUMNS, else 120', () => {
    expect(terminalWidth({ isTTY: true, columns: 200 }, { COLUMNS: '80' })).to.equal(200);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: '80' })).to.equal(80);
    expect(terminalWidth({}, {})).to.equal(120);
    expect(terminalWidth({}, { COLUMNS: 'wide' })).to.equal(120);
  });
});

describe('app list table layout', () => {
  const rows = [cells('mcconn__Marketing_Cloud_Connector'), cells('Acme_Mobile')];

  it('shows every column when the width allows, and leaves none out', () => {
    const layout = tableLayout(rows, 400);
    expect(layout.omitted).to.deep.equal([]);
    expect(layout.columns.map((c) => c.key)).to.deep.equal([
      'name',
      'kind',
      'owner',
      'client',
      'flows',
      'pkce',
      'rtr',
      'refresh',
      'tokens',
      'lastUsed',
      'activity',
      'verdict',
    ]);
  });

  it('within 120 and 80 columns: the table fits, the deciding columns stay, in display order', () => {
    for (const width of [120, 80]) {
      const layout = tableLayout(rows, width);
      expect(tableWidth(layout.columns, rows)).to.be.at.most(width);
      const keys = layout.columns.map((c) => c.key);
      expect(keys).to.include.members(['name', 'pkce', 'rtr', 'verdict']);
      expect(keys.indexOf('name')).to.equal(0);
      expect(keys.at(-1)).to.equal('verdict');
      expect(layout.omitted.length).to.be.greaterThan(0);
    }
  });

  it('counts visible characters only (a coloured verdict is no wider)', () => {
    const plain = tableWidth([{ key: 'verdict', name: 'Verdict' }], [cells('a')]);
    const coloured = tableWidth(
      [{ key: 'verdict', name: 'Verdict' }],
      [cells('a', { verdict: '\u001b[33mneeds-action\u001b[39m' })],
    );
    expect(coloured).to.equal(plain);
  });

  it('wraps reasons at word boundaries under the width, with a hanging indent', () => {
    const lines = wrapText('one two three four five six seven eight nine ten', 20, '  ', '    ');
    expect(lines).to.deep.equal(['  one two three four', '    five six seven', '    eight nine ten']);
    for (const line of lines) expect(line.length).to.be.at.most(20);
    const row = {
      name: 'Billing_Integration',
      reasons: ['PKCE off', 'issues refresh tokens without RTR'],
      findings: ['IP restrictions bypassed'],
    } as AppRow;
    const quiet = { name: 'Field_Service_App', reasons: [], findings: [] } as unknown as AppRow;
    const out = reasonLines([row, quiet], 60);
    expect(out[0]).to.match(/^ {2}Billing_Integration: PKCE off;/);
    for (const line of out.slice(1)) expect(line).to.match(/^ {6}\S/);
    for (const line of out) expect(line.length).to.be.at.most(60);
    expect(out.join(' ').replace(/\s+/g, ' ')).to.equal(
      ' Billing_Integration: PKCE off; issues refresh tokens without RTR; note: IP restrictions bypassed',
    );
    expect(out.join('\n')).not.to.include('Field_Service_App');
  });
});

describe('progress without a live spinner', () => {
  it('prints the action, each status on its own line, and the end as a line', () => {
    const written: string[] = [];
    const spinner = {} as Spinner;
    const progress = new Progress(spinner, (line) => written.push(line), false);
    progress.status('ignored before start');
    progress.start('Deploying 1 app(s)', 'Queued');
    progress.status('InProgress: 0/1 components');
    progress.status('Succeeded: 1/1 components');
    progress.stop();
    progress.stop('ignored after stop');
    expect(written).to.deep.equal([
      'Deploying 1 app(s)... Queued',
      '  InProgress: 0/1 components',
      '  Succeeded: 1/1 components',
      'Deploying 1 app(s)... done',
    ]);
  });

  it('in a terminal, hands everything to the spinner', () => {
    const calls: string[] = [];
    const spinner = {
      start: (action: string) => calls.push(`start ${action}`),
      stop: (status: string) => calls.push(`stop ${status}`),
      set status(value: string) {
        calls.push(`status ${value}`);
      },
    } as unknown as Spinner;
    const progress = new Progress(spinner, () => calls.push('line'), true);
    progress.start('Testing');
    progress.status('a: pass');
    progress.stop('done');
    expect(calls).to.deep.equal(['start Testing', 'status a: pass', 'stop done']);
  });
});

describe('smoke test status word', () => {
  it('pass only when the deciding check ran and passed', () => {
    expect(
      appStatusWord({
        kind: 'pkce',
        verdict: 'pass',
        checks: [check('s256-flow', 'pass'), check('wrong-verifier', 'pass')],
      }),
    ).to.equal('pass');
    expect(appStatusWord({ kind: 'rtr', verdict: 'pass', checks: [check('rotation', 'pass')] })).to.equal('pass');
  });

  it('"not proven" when other checks passed but the deciding one could not run', () => {
    expect(
      appStatusWord({
        kind: 'pkce',
        verdict: 'pass',
        checks: [check('s256-flow', 'not-applicable'), check('client-authentication', 'pass')],
      }),
    ).to.equal('not proven (s256-flow not-applicable)');
    // A fresh run says not-proven itself; the stored runs above, from before that verdict, said pass.
    expect(
      appStatusWord({
        kind: 'pkce',
        verdict: 'not-proven',
        checks: [check('s256-flow', 'not-applicable'), check('client-authentication', 'pass')],
      }),
    ).to.equal('not proven (s256-flow not-applicable)');
    expect(appStatusWord({ kind: 'rtr', verdict: 'pass', checks: [check('chain-revoked', 'pass')] })).to.equal(
      'not proven (rotation did not run)',
    );
  });

  it('fail, error and not-applicable are shown as they are', () => {
    for (const verdict of ['fail', 'error', 'not-applicable'] as const)
      expect(appStatusWord({ kind: 'pkce', verdict, checks: [] })).to.equal(verdict);
  });
});
