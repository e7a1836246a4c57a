/*
 * The per-request data context: rows of each object computed at most once per request, and an id index for
 * following lookups (15- and 18-character ids both resolve).
 */
import type { EmulatorServices } from '../services.js';
import type { UserRecord } from '../store/state.js';
import { objectNamed } from './objects/registry.js';
import type { DataContext, Row, Value } from './objects/types.js';

export function dataContext(services: EmulatorServices, caller: UserRecord): DataContext {
  const rows = new Map<string, Row[]>();
  const indexes = new Map<string, Map<string, Row>>();
  const ctx: DataContext = {
    services,
    caller,
    rowsOf(name) {
      let list = rows.get(name);
      if (!list) {
        list = objectNamed(name)?.rows(ctx) ?? [];
        rows.set(name, list);
      }
      return list;
    },
    byId(name, id: Value) {
      if (typeof id !== 'string' || id.length < 15) return undefined;
      let index = indexes.get(name);
      if (!index) {
        index = new Map(ctx.rowsOf(name).map((r) => [String(r.Id).slice(0, 15), r]));
        indexes.set(name, index);
      }
      return index.get(id.slice(0, 15));
    },
  };
  return ctx;
}
