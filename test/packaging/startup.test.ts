/*
 * Startup: `sf <command> --help` imports the command's module (sf shows the default target org in help, so oclif loads
 * commands with such flags), so a module that imports the Metadata API client or the rollout core at load time makes
 * every `--help` slower than official commands'. Each compiled command module (lib/, build first) is imported in a
 * fresh Node and the modules it adds beyond @salesforce/sf-plugins-core (which sf has loaded anyway) are counted:
 * a count, not a time, so the test is stable. bench/help-startup.ts measures the time itself against an official
 * command in the real sf CLI.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ROOT } from '../helpers/cli.js';

/** What a command module may add to what sf has loaded: its messages, flags and light helpers. */
const BUDGET = 60;

const COUNT = `
import { registerHooks } from 'node:module';
let loaded = 0;
registerHooks({ load(url, context, next) { loaded++; return next(url, context); } });
await import('@salesforce/sf-plugins-core');
const before = loaded;
await import(process.argv[1]);
process.stdout.write(String(loaded - before));
`;

function modulesAdded(commandFile: string): number {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '--eval', COUNT, pathToFileURL(commandFile).href],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return Number(out.trim());
}

describe('command modules load light (sf --help starts like official commands)', function () {
  this.timeout(120_000);
  const commands = (
    JSON.parse(readFileSync(path.join(ROOT, 'command-snapshot.json'), 'utf8')) as Array<{ command: string }>
  ).map((c) => c.command);

  it(`every command module adds at most ${BUDGET} modules of its own; a heavy core module is loaded when the command runs`, () => {
    const counts = Object.fromEntries(
      commands.map((id) => [id, modulesAdded(path.join(ROOT, 'lib', 'commands', ...id.split(':')) + '.js')]),
    );
    const heavy = Object.entries(counts).filter(([id, n]) => n > BUDGET && id !== 'oauth:emulator:start');
    expect(heavy, JSON.stringify(counts)).to.deep.equal([]);
    // emulator start has no flag whose help is computed, so `--help` never loads its module (the emulator itself is
    // its whole purpose); it is held to a looser bound.
    expect(counts['oauth:emulator:start']).to.be.below(400);
  });

  it('the count sees a heavy import (SDR adds hundreds of modules)', () => {
    const sdr = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '--eval',
        COUNT,
        pathToFileURL(
          path.join(ROOT, 'node_modules', '@salesforce', 'source-deploy-retrieve', 'lib', 'src', 'index.js'),
        ).href,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(Number(sdr)).to.be.greaterThan(BUDGET * 3);
  });
});
