/*
 * FileProperties, as listMetadata and checkRetrieveStatus return them.
 */
import type { StoredComponent } from '../store/state.js';
import type { OrgStore } from '../store/store.js';

export type FileProps = {
  createdById: string;
  createdByName: string;
  createdDate: string;
  fileName: string;
  fullName: string;
  id: string;
  lastModifiedById: string;
  lastModifiedByName: string;
  lastModifiedDate: string;
  manageableState: string;
  namespacePrefix?: string;
  type: string;
};

/**
 * Properties of a stored component, or of settings the org has never changed (`component` undefined). With
 * `frozenDates` (behaviour listMetadataDates=frozen), lastModifiedDate stays the creation date whatever changed.
 */
export function fileProperties(
  store: OrgStore,
  type: string,
  fullName: string,
  fileName: string,
  component?: StoredComponent,
  frozenDates = false,
): FileProps {
  const admin = store.adminUser();
  const userId = component?.lastModifiedById ?? admin.id;
  const user = store.user(userId) ?? admin;
  const name = `${user.firstName} ${user.lastName}`.trim();
  const created = component?.createdDate ?? store.state.org.createdDate;
  const date = frozenDates ? created : (component?.lastModifiedDate ?? store.state.org.createdDate);
  return {
    createdById: userId,
    createdByName: name,
    createdDate: created,
    fileName,
    fullName,
    id: component?.id ?? '',
    lastModifiedById: userId,
    lastModifiedByName: name,
    lastModifiedDate: date,
    manageableState: component?.manageableState ?? 'unmanaged',
    namespacePrefix: component?.namespacePrefix ?? undefined,
    type,
  };
}
