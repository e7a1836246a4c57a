/*
 * sf oauth backup list: the backups that the toggle and restore commands took, newest first.
 */
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { backupRoot, listBackups } from '../../../metadata/backup.js';
import { fitTable } from '../../../cli/table-fit.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-oauth', 'oauth.backup.list');

export type BackupSummary = {
  /** Folder name; pass it to `sf oauth backup restore --backup`. */
  id: string;
  path: string;
  orgId: string;
  username: string;
  createdAt: string;
  /** The command that took the backup, e.g. "oauth pkce enable". */
  operation: string;
  apps: string[];
  components: number;
  /** Elements the org did not return, which the backup therefore does not hold, as `App: element` (e.g. a certificate). */
  notHeld: string[];
};

export type BackupListResult = BackupSummary[];

export default class BackupList extends SfCommand<BackupListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.optionalOrg({ summary: messages.getMessage('flags.target-org.summary') }),
  };

  public async run(): Promise<BackupListResult> {
    const { flags } = await this.parse(BackupList);
    const orgId = flags['target-org']?.getOrgId();
    const backups = await listBackups(orgId);
    const result: BackupListResult = backups.map((b) => ({
      id: b.id,
      path: b.path,
      orgId: b.manifest.orgId,
      username: b.manifest.username,
      createdAt: b.manifest.createdAt,
      operation: b.manifest.operation,
      apps: [...new Set(b.manifest.components.map((c) => c.app))],
      components: b.manifest.components.length,
      notHeld: b.manifest.components.flatMap((c) => (c.unread ?? []).map((e) => `${c.app}: ${e}`)),
    }));
    if (!result.length) {
      this.log(messages.getMessage('info.none', [backupRoot()]));
      return result;
    }
    this.table(
      fitTable(
        {
          data: result.map((r) => ({
            id: r.id,
            created: r.createdAt,
            org: `${r.username} (${r.orgId})`,
            operation: r.operation,
            apps: r.apps.join(', '),
            notHeld: r.notHeld.join(', '),
          })),
          columns: [
            { key: 'id', name: 'Backup' },
            { key: 'created', name: 'Created' },
            { key: 'org', name: 'Org' },
            { key: 'operation', name: 'Taken before' },
            { key: 'apps', name: 'Apps' },
            { key: 'notHeld', name: 'Not held (not returned by the org)' },
          ],
        },
        ['apps', 'notHeld'],
      ),
    );
    this.log(messages.getMessage('info.folder', [backupRoot()]));
    return result;
  }
}
