import type { ImageService } from '../types.js';
import type { ContainerRecord } from './model.js';

// GET /containers/json filters, Docker's semantics: values of one key OR-ed, keys AND-ed.
export async function matchesListFilters(c: ContainerRecord, filters: Record<string, string[]>, images: ImageService): Promise<boolean> {
  for (const [key, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    let ok: boolean;
    switch (key) {
      case 'label':
        ok = values.every((v) => {
          const eq = v.indexOf('=');
          return eq < 0 ? c.Config.Labels[v] !== undefined : c.Config.Labels[v.slice(0, eq)] === v.slice(eq + 1);
        });
        break;
      case 'name':
        ok = values.some((v) => nameMatches(c.Name, v));
        break;
      case 'id':
        ok = values.some((v) => c.Id.startsWith(v));
        break;
      case 'status':
        ok = values.includes(c.State.Status);
        break;
      case 'exited':
        ok = c.State.Status === 'exited' && values.some((v) => Number(v) === c.State.ExitCode);
        break;
      case 'health':
        ok = values.includes(c.State.Health?.Status ?? 'none');
        break;
      case 'network':
        ok = values.some((v) => c.EndpointsConfig[v] !== undefined || Object.values(c.Network.Networks).some((n) => n.NetworkID.startsWith(v)));
        break;
      case 'volume':
        ok = values.some((v) => c.Mounts.some((m) => m.Name === v || m.Destination === v || m.Source === v));
        break;
      case 'ancestor':
        ok = false;
        for (const v of values) {
          if (c.Config.Image === v || c.ImageId === v || c.ImageId === `sha256:${v}`) ok = true;
          else {
            const img = await images.inspect(v).catch(() => undefined);
            if (img && img.id === c.ImageId) ok = true;
          }
          if (ok) break;
        }
        break;
      default:
        ok = true;
    }
    if (!ok) return false;
  }
  return true;
}

/** Docker treats the name filter as a regular expression over "/name". */
function nameMatches(name: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(`/${name}`);
  } catch {
    return `/${name}`.includes(pattern);
  }
}
