/*
 * listMetadata: FileProperties of every component of the queried types. Settings list the settings the emulator
 * serves (an org always has them, changed or not). Unknown types list nothing, so clients that list many types go on.
 */
import type { EmulatorServices } from '../../services.js';
import { COMPONENT_TYPES, SETTINGS, SETTINGS_TYPES } from '../schema.js';
import { list, obj, str } from '../args.js';
import { fileProperties, type FileProps } from '../fileProperties.js';
import { toXml } from '../soap.js';

export function listMetadataResults(services: EmulatorServices, args: Record<string, unknown>): string[] {
  const { store } = services;
  const frozen = services.behaviours.listMetadataDates === 'frozen';
  const out: FileProps[] = [];
  for (const query of list(args.queries)) {
    const type = str(obj(query).type);
    if (type === SETTINGS) {
      for (const [member, spec] of Object.entries(SETTINGS_TYPES)) {
        out.push(
          fileProperties(
            store,
            SETTINGS,
            member,
            `${spec.directory}/${member}.${spec.suffix}`,
            store.component(SETTINGS, member),
            frozen,
          ),
        );
      }
      continue;
    }
    const spec = COMPONENT_TYPES[type];
    if (!spec) continue;
    for (const c of store.components(type)) {
      out.push(fileProperties(store, type, c.fullName, `${spec.directory}/${c.fullName}.${spec.suffix}`, c, frozen));
    }
  }
  return out.map((p) => toXml(p));
}
