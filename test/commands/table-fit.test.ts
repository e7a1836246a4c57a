/*
 * The column widths a wrapped table is given (src/cli/table-fit.ts), the width fitToWidth hands @oclif/table without a
 * terminal, and prose cut or wrapped within the width (src/cli/terminal.ts).
 */
import { expect } from 'chai';
import { columnWidths } from '../../src/cli/table-fit.js';
import { fitToWidth, shortenWords } from '../../src/cli/terminal.js';

const DETAIL =
  'PKCE smoke test: s256-flow error, authorize-without-challenge error, wrong-verifier error (Acme_Mobile asks the ' +
  'user for consent: no code without a person.) Approve the app once, then run again.';
const rows = [
  { step: 'pkce-verify:Acme_Mobile', status: 'failed', at: '2026-12-01 04:30:56Z', detail: DETAIL },
  { step: 'audit', status: 'done', at: '2026-12-01 04:30:55Z', detail: '' },
];
const columns = [
  { key: 'step' as const, name: 'Step' },
  { key: 'status' as const, name: 'Status' },
  { key: 'at' as const, name: 'When' },
  { key: 'detail' as const, name: 'Detail' },
];
/** The width of the bordered table: the columns and one border more than columns. */
const total = (widths: number[]): number => widths.reduce((a, b) => a + b, 0) + widths.length + 1;

describe('table column widths', () => {
  it('a table that fits keeps every column at its natural width (text and padding)', () => {
    const short = rows.map((r) => ({ ...r, detail: 'ok' }));
    expect(columnWidths(short, columns, 120, ['detail'])).to.deep.equal([25, 8, 22, 8]);
  });

  it('120 columns: the identifiers keep their width, the prose column takes the rest', () => {
    const widths = columnWidths(rows, columns, 120, ['detail']);
    expect(widths.slice(0, 3)).to.deep.equal([25, 8, 22]);
    expect(total(widths)).to.equal(120);
  });

  it('80 columns: identifiers give way down to their longest word, never inside one; the table fits', () => {
    const widths = columnWidths(rows, columns, 80, ['detail']);
    expect(widths[0], 'pkce-verify:Acme_Mobile unbroken').to.equal(25);
    expect(widths[2], 'the time wraps at its space').to.be.at.least('2026-12-01'.length + 2);
    expect(widths[2]).to.be.below(22);
    expect(widths[3]).to.be.at.least(12);
    expect(total(widths)).to.equal(80);
  });

  it('no column is narrower than its header, which @oclif/table draws on one line', () => {
    const widths = columnWidths(rows, [...columns, { key: 'status' as const, name: 'Status of the step' }], 60, [
      'detail',
    ]);
    expect(widths[4]).to.be.at.least('Status of the step'.length + 2);
  });

  it('without prose named, the widest column wraps', () => {
    const widths = columnWidths(rows, columns, 100);
    expect(widths.slice(0, 3)).to.deep.equal([25, 8, 22]);
    expect(total(widths)).to.equal(100);
  });
});

describe('fitToWidth without a terminal', () => {
  it('sets the layout width as @oclif/table box width (Ink would take 80), unless the caller set one', () => {
    const env: NodeJS.ProcessEnv = { COLUMNS: '132' };
    expect(fitToWidth({ isTTY: false }, env)).to.deep.equal({ overflow: 'wrap', maxWidth: 132 });
    expect(env.OCLIF_TABLE_COLUMN_OVERRIDE).to.equal('132');
    const own: NodeJS.ProcessEnv = { OCLIF_TABLE_COLUMN_OVERRIDE: '100' };
    fitToWidth({ isTTY: false }, own);
    expect(own.OCLIF_TABLE_COLUMN_OVERRIDE).to.equal('100');
    const tty: NodeJS.ProcessEnv = {};
    expect(fitToWidth({ isTTY: true, columns: 90 }, tty).maxWidth).to.equal(90);
    expect(tty.OCLIF_TABLE_COLUMN_OVERRIDE).to.equal(undefined);
  });
});

describe('shortenWords', () => {
  it('cuts between words with an ellipsis, never mid-word', () => {
    const text = 'Salesforce returned the consumer secret of this app only once';
    expect(shortenWords(text, 100)).to.equal(text);
    expect(shortenWords(text, 40)).to.equal('Salesforce returned the consumer secret…');
    expect(shortenWords(text, 30)).to.equal('Salesforce returned the…');
  });
});
