#!/usr/bin/env node
/*
 * The Node.js version guard: one line on standard error and exit 1 when Node.js is older than package.json's
 * engines.node asks, so an old Node fails at once instead of with a stack trace from a dependency (undici, for one,
 * needs Node 22's zlib). Run by `npm ci` / `npm install` in a clone (the prepare script: npm runs it for the project
 * itself, never for an installed package, so `sf plugins install` shows no install-script warning; the sf CLI checks
 * its own Node), by `npm run demo`, and required by bin/run.js and bin/dev.js.
 *
 * Plain CommonJS with no dependencies and no modern syntax, so that it runs, and says so, on any Node.
 * When npm runs it, npm's own Node (npm_node_execpath) is checked too, since `node` on the PATH may be another.
 */
'use strict';

var REQUIRED_MAJOR = 22;

function major(version) {
  return parseInt(String(version).replace(/^v/, '').split('.')[0], 10) || 0;
}

function problem(version, where) {
  if (major(version) >= REQUIRED_MAJOR) return null;
  return (
    'plugin-oauth needs Node.js ' + REQUIRED_MAJOR + ' or later, but ' + where + ' Node.js ' + String(version).replace(/^v?/, 'v') +
    ': install Node.js ' + REQUIRED_MAJOR + ' (https://nodejs.org, or `nvm install ' + REQUIRED_MAJOR + '`) and run the command again.'
  );
}

/** The one line to print, or null when every Node.js involved is recent enough. */
function check() {
  var own = problem(process.versions.node, 'this is');
  if (own) return own;
  var npmNode = process.env.npm_node_execpath;
  if (npmNode && npmNode !== process.execPath) {
    try {
      var out = require('child_process').execFileSync(npmNode, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 10000 });
      return problem(out.trim(), 'npm runs on ' + npmNode + ', which is');
    } catch (e) {
      return null;
    }
  }
  return null;
}

module.exports = { check: check, REQUIRED_MAJOR: REQUIRED_MAJOR };

if (require.main === module) {
  var line = check();
  if (line) {
    process.stderr.write(line + '\n');
    process.exit(1);
  }
}
