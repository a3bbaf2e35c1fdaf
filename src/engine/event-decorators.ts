import type { Readable } from 'node:stream';
import type { EventBus } from './events.js';
import type { EndpointRequest, ImageService, NetworkCreateRequest, NetworkService, PortBinding } from './types.js';

// Network and image events (Docker's actions) without the services knowing the bus: each
// mutating call is wrapped once, here, at the composition root.

export function withNetworkEvents(inner: NetworkService, events: EventBus): NetworkService {
  const emit = async (idOrName: string, action: string, extra: Record<string, string> = {}): Promise<void> => {
    const net = await inner.inspect(idOrName).catch(() => undefined);
    events.emit('network', action, net?.Id ?? idOrName, { name: net?.Name ?? idOrName, type: net?.Driver ?? 'bridge', ...extra });
  };
  return {
    create: async (req: NetworkCreateRequest) => {
      const rec = await inner.create(req);
      events.emit('network', 'create', rec.Id, { name: rec.Name, type: rec.Driver });
      return rec;
    },
    list: (filters) => inner.list(filters),
    inspect: (idOrName) => inner.inspect(idOrName),
    remove: async (idOrName) => {
      const net = await inner.inspect(idOrName).catch(() => undefined);
      await inner.remove(idOrName);
      events.emit('network', 'destroy', net?.Id ?? idOrName, { name: net?.Name ?? idOrName, type: net?.Driver ?? 'bridge' });
    },
    prune: async (filters) => {
      const removed = await inner.prune(filters);
      for (const name of removed) events.emit('network', 'destroy', name, { name, type: 'bridge' });
      return removed;
    },
    createSandbox: async (containerId: string, containerName: string, endpoints: EndpointRequest[], ports: PortBinding[], opts?: { configureLater?: boolean }) => {
      const sandbox = await inner.createSandbox(containerId, containerName, endpoints, ports, opts);
      // The sandbox names its networks (bridges): no lookup of each on a start's path.
      for (const [name, ep] of Object.entries(sandbox.endpoints)) events.emit('network', 'connect', ep.NetworkID, { name, type: 'bridge', container: containerId });
      return sandbox;
    },
    connect: async (containerId: string, endpoint: EndpointRequest) => {
      const settings = await inner.connect(containerId, endpoint);
      await emit(endpoint.networkId, 'connect', { container: containerId });
      return settings;
    },
    disconnect: async (containerId: string, networkIdOrName: string) => {
      await inner.disconnect(containerId, networkIdOrName);
      await emit(networkIdOrName, 'disconnect', { container: containerId });
    },
    removeSandbox: async (containerId, opts) => {
      // A sandbox's networks are bridges (host and none have none).
      const left = await inner.removeSandbox(containerId, opts);
      for (const n of left) events.emit('network', 'disconnect', n.id, { name: n.name, type: 'bridge', container: containerId });
      return left;
    },
    restore: () => inner.restore(),
    hasSandbox: (containerId) => inner.hasSandbox(containerId),
    close: () => inner.close(),
  };
}

export function withImageEvents(inner: ImageService, events: EventBus): ImageService {
  const name = (tags: string[], id: string): string => tags[0] ?? id;
  return {
    list: () => inner.list(),
    inspect: (ref) => inner.inspect(ref),
    tag: async (ref, newRef) => {
      await inner.tag(ref, newRef);
      const img = await inner.inspect(newRef).catch(() => undefined);
      events.emit('image', 'tag', img?.id ?? ref, { name: newRef });
    },
    remove: async (ref, opts) => {
      const out = await inner.remove(ref, opts);
      for (const r of out) {
        if (r.Untagged) events.emit('image', 'untag', r.Untagged, { name: r.Untagged });
        if (r.Deleted) events.emit('image', 'delete', r.Deleted, { name: r.Deleted });
      }
      return out;
    },
    importRootfs: async (tar: Readable, opts) => {
      const img = await inner.importRootfs(tar, opts);
      events.emit('image', 'import', img.id, { name: name(img.repoTags, img.id) });
      return img;
    },
    load: async (archive: Readable) => {
      const imgs = await inner.load(archive);
      for (const img of imgs) events.emit('image', 'load', img.id, { name: name(img.repoTags, img.id) });
      return imgs;
    },
    save: (refs, out, format) => inner.save(refs, out, format),
    mountRootfs: (imageId, containerDir) => inner.mountRootfs(imageId, containerDir),
    unmountRootfs: (containerDir) => inner.unmountRootfs(containerDir),
    layerDirs: (imageId) => inner.layerDirs(imageId),
  };
}
