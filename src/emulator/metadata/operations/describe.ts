/*
 * describeMetadata: the types the emulator serves, as the org's describe lists them (SDR registry folders and
 * suffixes; none of them is in a folder or has a -meta.xml companion in mdapi format).
 */
import type { EmulatorServices } from '../../services.js';
import { COMPONENT_TYPES, SETTINGS } from '../schema.js';
import { toXml } from '../soap.js';

export function describeMetadataXml(services: EmulatorServices): string {
  const objects = [
    ...Object.values(COMPONENT_TYPES).map((t) => ({ directoryName: t.directory, suffix: t.suffix, xmlName: t.name })),
    { directoryName: 'settings', suffix: 'settings', xmlName: SETTINGS },
  ].sort((a, b) => a.xmlName.localeCompare(b.xmlName));
  return toXml({
    metadataObjects: objects.map((o) => ({
      directoryName: o.directoryName,
      inFolder: false,
      metaFile: false,
      suffix: o.suffix,
      xmlName: o.xmlName,
    })),
    organizationNamespace: services.store.state.org.namespacePrefix ?? '',
    partialSaveAllowed: true,
    testRequired: false,
  });
}
