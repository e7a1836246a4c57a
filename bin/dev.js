#!/usr/bin/env -S node --import tsx --no-warnings
import { createRequire } from 'node:module';

const tooOld = createRequire(import.meta.url)('./check-node.cjs').check();
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(1);
}

const { execute } = await import('@oclif/core');
await execute({ development: true, dir: import.meta.url });
