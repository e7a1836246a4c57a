/*
 * Loaded by mocha before any test file: an isolated HOME so @salesforce/core reads and writes auth files in a
 * throwaway folder, never the developer's own, and no proxy between the tests and the loopback emulator.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const home = mkdtempSync(path.join(tmpdir(), 'sf-oauth-test-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
process.env.SF_DISABLE_LOG_FILE = 'true';
process.env.SF_DISABLE_TELEMETRY = 'true';
process.env.SF_AUTOUPDATE_DISABLE = 'true';
process.env.SF_DISABLE_DNS_CHECK = 'true';
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete process.env[name];
