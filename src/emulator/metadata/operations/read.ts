/*
 * readMetadata: components as `<records xsi:type="Type">` with fullName and content, defaults filled and the consumer
 * secret never included. A name the org does not have (or may not show) answers with a nil record.
 */
import type { EmulatorServices } from '../../services.js';
import type { MdObject, MdValue } from '../../store/state.js';
import { LATEST_API_VERSION } from '../../services.js';
import { SETTINGS, typeSpecFor } from '../schema.js';
import { str, strs } from '../args.js';
import { escapeXml, toXml } from '../soap.js';
import { presented, unreturned } from '../shape.js';
import { SECRET_TYPES } from '../deploy/plan.js';

export function readMetadataXml(
  services: EmulatorServices,
  args: Record<string, unknown>,
  apiVersion = Number(LATEST_API_VERSION),
): string {
  const { store } = services;
  const type = str(args.type);
  const blocked = SECRET_TYPES.has(type) && !store.state.permissions.consumerSecretsViaMetadata;
  const records = strs(args.fullNames).map((fullName) => {
    const spec = typeSpecFor(type, fullName);
    const component = store.component(type, fullName);
    if (!spec || blocked || (!component && type !== SETTINGS)) return '<records xsi:nil="true"/>';
    const value = presented(component?.value ?? {}, spec, apiVersion);
    const xsiType = type === SETTINGS ? spec.name : type;
    for (const name of [...(spec.writeOnly ?? []), ...unreturned(services.behaviours, type)]) delete value[name];
    const body = toXml({ fullName, ...sorted(value) });
    return `<records xsi:type="${escapeXml(xsiType)}">${body}</records>`;
  });
  return records.join('');
}

/** Elements in alphabetical order at every level, as the org writes them. */
function sorted(value: MdObject): MdObject {
  const out: MdObject = {};
  for (const name of Object.keys(value).sort()) out[name] = sortItem(value[name]);
  return out;
}

function sortItem(item: MdValue): MdValue {
  if (Array.isArray(item)) return item.map(sortItem);
  return typeof item === 'object' ? sorted(item) : item;
}
