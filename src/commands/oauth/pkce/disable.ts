/*
 * sf oauth pkce disable: stops requiring PKCE (sandbox rehearsals) for the selected apps, in one lossless deploy (see src/cli/toggle-command.ts).
 */
import { Messages } from '@salesforce/core';
import { ToggleCommand, toggleFlags } from '../../../cli/toggle-command.js';
import type { ToggleResult } from '../../../metadata/toggle.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.pkce.disable');

export type PkceDisableResult = ToggleResult;

export default class PkceDisable extends ToggleCommand {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly flags = toggleFlags;

  protected readonly setting = 'pkce';
  protected readonly value = false;

  public async run(): Promise<PkceDisableResult> {
    return super.run();
  }
}
