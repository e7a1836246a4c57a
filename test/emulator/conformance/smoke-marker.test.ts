/*
 * The smoke tests' User-Agent: the client core sets it (src/oauth/http.ts) and the emulator recognizes it
 * (src/emulator/conformance/smoke-marker.ts); neither imports the other, so this pins the two copies together.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { isSmokeUserAgent, SMOKE_USER_AGENT_PRODUCT } from '../../../src/emulator/conformance/smoke-marker.js';
import { SMOKE_USER_AGENT } from '../../../src/oauth/http.js';

describe('the smoke tests User-Agent', () => {
  it("is the plugin's version under the product name the emulator documents, and the emulator recognizes it", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SMOKE_USER_AGENT).to.equal(`${SMOKE_USER_AGENT_PRODUCT}/${version}`);
    expect(isSmokeUserAgent(SMOKE_USER_AGENT)).to.equal(true);
    expect(isSmokeUserAgent(`${SMOKE_USER_AGENT} (ci)`)).to.equal(true);
  });

  it('is not any User-Agent that merely mentions it', () => {
    for (const ua of [
      undefined,
      '',
      'sf-oauth-smoke',
      'sf-oauth-smoke/',
      'sf-oauth-smoke/latest',
      'Mozilla/5.0 sf-oauth-smoke/0.1.0',
      'sf-oauth-smoke-fake/0.1.0',
      'node',
    ])
      expect(isSmokeUserAgent(ua), String(ua)).to.equal(false);
    expect(isSmokeUserAgent(['sf-oauth-smoke/0.1.0'])).to.equal(false);
  });
});
