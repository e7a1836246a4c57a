#!/usr/bin/env node
// Node.js version guard first (bin/check-node.cjs, plain CommonJS): on an old Node one clear line and exit 1, before any
// dependency can fail with a stack trace.
import { createRequire } from 'node:module';

const tooOld = createRequire(import.meta.url)('./check-node.cjs').check();
if (tooOld) {
  process.stderr.write(`${tooOld}\n`);
  process.exit(1);
}

const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
