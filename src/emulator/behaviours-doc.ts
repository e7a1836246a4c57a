/*
 * Renders the behaviours table (behaviours.ts) as Markdown for docs/salesforce-behaviours.md.
 */
import { BEHAVIOURS, BEHAVIOUR_OPTIONS, type BehaviourRow } from './behaviours.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function optionCell(row: BehaviourRow): string {
  if (!row.option) return '';
  const o = BEHAVIOUR_OPTIONS[row.option];
  return `\`${row.option}\`: ${o.values.map((v) => (v === o.default ? `**${v}**` : v)).join(' / ')}`;
}

export function renderBehavioursDoc(): string {
  const lines = [
    '# Salesforce behaviours the emulator models',
    '',
    'Generated from `src/emulator/behaviours.ts` by `npm run behaviours`; edit the table there. Each row is one behaviour',
    "of a real org, its evidence (`doc`: Salesforce documentation; `real`: seen in a real org's answer or handled by a real",
    'client library; `reported`: a public bug report or third-party tool; `inference`: our reading), and the tests that pin it.',
    'Where evidence is thin the behaviour is an option: `sf oauth emulator start --behaviour name=value`, or',
    '`OrgEmulator.start({ behaviours: { name: value } })`. The default (in bold) is the most likely value; the client is',
    'tested under every value.',
    '',
    '## Options',
    '',
    '| Option | Values (default in bold) |',
    '|---|---|',
    ...Object.entries(BEHAVIOUR_OPTIONS).map(
      ([name, o]) => `| \`${name}\` | ${o.values.map((v: string) => (v === o.default ? `**${v}**` : v)).join(' / ')} |`,
    ),
    '',
    '## Behaviours',
    '',
    '| Id | Behaviour | Evidence | Source | Option | Pinned by |',
    '|---|---|---|---|---|---|',
    ...BEHAVIOURS.map(
      (r) =>
        `| \`${r.id}\` | ${cell(r.behaviour)} | ${r.evidence} | ${cell(r.source)} | ${optionCell(r)} | ${r.pinnedBy.map((t) => cell(t)).join('<br>')} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
