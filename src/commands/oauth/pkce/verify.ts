/*
 * sf oauth pkce verify: live PKCE smoke tests, app by app (see src/smoke/pkce-checks.ts and src/smoke/verify-command.ts).
 */
import { Messages } from '@salesforce/core';
import { VerifyCommand, verifyFlags } from '../../../cli/verify-command.js';
import type { VerifyResult } from '../../../smoke/model.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.pkce.verify');

export type PkceVerifyResult = VerifyResult;

export default class PkceVerify extends VerifyCommand {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = verifyFlags(messages);

  protected readonly kind = 'pkce';
  protected readonly messages = messages;

  public async run(): Promise<PkceVerifyResult> {
    const { flags } = await this.parse(PkceVerify);
    return this.verify(flags);
  }
}
