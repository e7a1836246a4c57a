/*
 * Guards the layout the README promises: commands depend on the core, never the reverse; the emulator is a product part
 * of its own that the client-side core does not reach into; and no module imports itself in a cycle.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from './helpers/cli.js';

const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    out.push(path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts'));
  }
  return out;
}

const files = sources(SRC);
const graph = new Map(files.map((f) => [f, localImports(f)]));
const rel = (f: string): string => path.relative(SRC, f);

describe('architecture', () => {
  it('resolves every relative import to a source file', () => {
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !graph.has(d)).map((d) => `${rel(f)} -> ${rel(d)}`),
    );
    expect(missing).to.deep.equal([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'visiting') {
        cycles.push([...stack.slice(stack.indexOf(f)), f].map(rel).join(' -> '));
        return;
      }
      state.set(f, 'visiting');
      stack.push(f);
      for (const d of graph.get(f) ?? []) if (graph.has(d)) visit(d);
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) visit(f);
    expect(cycles).to.deep.equal([]);
  });

  it('keeps commands at the edge: nothing outside src/commands imports a command', () => {
    const offenders = [...graph].flatMap(([f, deps]) =>
      rel(f).startsWith('commands')
        ? []
        : deps.filter((d) => rel(d).startsWith('commands')).map((d) => `${rel(f)} -> ${rel(d)}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('keeps the emulator self-contained: it imports nothing from the client-side core', () => {
    const offenders = [...graph].flatMap(([f, deps]) =>
      rel(f).startsWith('emulator')
        ? deps.filter((d) => !rel(d).startsWith('emulator')).map((d) => `${rel(f)} -> ${rel(d)}`)
        : [],
    );
    expect(offenders).to.deep.equal([]);
  });

  it('keeps the client-side core independent of the emulator', () => {
    const core = ['apps', 'metadata', 'oauth', 'smoke', 'rollout', 'check'];
    const offenders = [...graph].flatMap(([f, deps]) =>
      core.some((area) => rel(f).startsWith(area + path.sep))
        ? deps.filter((d) => rel(d).startsWith('emulator')).map((d) => `${rel(f)} -> ${rel(d)}`)
        : [],
    );
    expect(offenders).to.deep.equal([]);
  });
});
