/*
 * sf oauth rtr verify: live refresh token rotation smoke tests, app by app (see src/smoke/rtr-checks.ts and src/smoke/verify-command.ts).
 */
import { Messages } from '@salesforce/core';
import { VerifyCommand, verifyFlags } from '../../../cli/verify-command.js';
import type { VerifyResult } from '../../../smoke/model.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.rtr.verify');

export type RtrVerifyResult = VerifyResult;

export default class RtrVerify extends VerifyCommand {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = verifyFlags(messages);

  protected readonly kind = 'rtr';
  protected readonly messages = messages;

  public async run(): Promise<RtrVerifyResult> {
    const { flags } = await this.parse(RtrVerify);
    return this.verify(flags);
  }
}
