import { BerthError, conflict, invalid, isNotFound, notFound } from '../../errors.js';
import type { EventBus } from '../events.js';
import type { ImageService, NetworkService } from '../types.js';
import type { LocalVolumes } from '../volumes/local-volumes.js';
import type { ContainerRegistry } from './container-registry.js';
import { mergeImageConfig, resolveArgs } from './merge-image.js';
import { UNSET_TIME, type ContainerRecord, type HostConfig } from './model.js';
import { checkName, newContainerId, randomName } from './names.js';
import { resolveMounts } from './mounts.js';
import { defaultEndpoints } from './network-attach.js';
import type { RuntimePort } from './runtime-port.js';
import type { CreateRequest } from './validate-create.js';

// Container records: create, rename, update, remove and the queries. Running them
// (start, stop, exits, restarts) is the Lifecycle's job; both share the registry.

export interface ServiceDeps {
  registry: ContainerRegistry;
  images: ImageService;
  networks: NetworkService;
  volumes: LocalVolumes;
  runtime: RuntimePort;
  events: EventBus;
}

export function containerAttributes(c: ContainerRecord, extra: Record<string, string> = {}): Record<string, string> {
  return { ...c.Config.Labels, image: c.Config.Image, name: c.Name, ...extra };
}

export async function createContainer(deps: ServiceDeps, nameArg: string | null, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
  // dockerd's order: the image and the command are checked before the name is taken, so a
  // missing image or command is reported as such even when the name is in use.
  const image = await inspectImage(deps, req.config.Image);
  const config = mergeImageConfig(req.config, image.config);
  const command = resolveArgs(config);
  const { registry } = deps;
  const name = nameArg ? checkName(nameArg) : randomName((n) => registry.nameTaken(n));
  registry.reserve(name);
  try {
    return await createReserved(deps, name, req, { imageId: image.id, config, command });
  } finally {
    registry.release(name);
  }
}

async function inspectImage(deps: ServiceDeps, ref: string): Promise<Awaited<ReturnType<ServiceDeps['images']['inspect']>>> {
  try {
    return await deps.images.inspect(ref);
  } catch (err) {
    if (isNotFound(err)) throw notFound(`No such image: ${ref}`, err);
    throw err;
  }
}

interface Resolved {
  imageId: string;
  config: ContainerRecord['Config'];
  command: { path: string; args: string[] };
}

async function createReserved(deps: ServiceDeps, name: string, req: CreateRequest, resolved: Resolved): Promise<{ Id: string; Warnings: string[] }> {
  const { registry } = deps;
  const { config, imageId } = resolved;
  const { path, args } = resolved.command;
  const mode = req.hostConfig.NetworkMode;
  const endpoints = defaultEndpoints(mode, req.endpoints);
  for (const net of Object.keys(endpoints)) {
    if (net === 'host' || net === 'none') continue;
    await deps.networks.inspect(net); // not_found → 404 "network x not found"
  }
  if (mode.startsWith('container:')) registry.get(mode.slice('container:'.length));
  const mounts = await resolveMounts(config, req.hostConfig, { volumes: deps.volumes, mountsOf: (ref) => registry.get(ref).Mounts });
  const id = newContainerId();
  const record: ContainerRecord = {
    Id: id,
    Name: name,
    Created: new Date().toISOString(),
    Path: path,
    Args: args,
    ImageId: imageId,
    Config: config,
    HostConfig: req.hostConfig,
    EndpointsConfig: endpoints,
    Mounts: mounts,
    State: { Status: 'created', Pid: 0, ExitCode: 0, Error: '', OOMKilled: false, StartedAt: UNSET_TIME, FinishedAt: UNSET_TIME },
    RestartCount: 0,
    ManuallyStopped: false,
    HasBeenStarted: false,
    Network: { SandboxKey: '', Networks: {}, Ports: [] },
  };
  registry.add(record);
  try {
    await registry.save(record);
  } catch (err) {
    registry.delete(record);
    throw err;
  }
  deps.events.emit('container', 'create', id, containerAttributes(record));
  const warnings: string[] = [];
  return { Id: id, Warnings: warnings };
}

export async function renameContainer(deps: ServiceDeps, ref: string, newName: string): Promise<void> {
  const c = deps.registry.get(ref);
  const name = checkName(newName);
  if (name === c.Name) throw conflict(`Renaming a container with the same name as its current name`);
  const oldName = c.Name;
  try {
    deps.registry.rename(c, name);
  } catch (err) {
    // dockerd's words around the name conflict
    if (err instanceof BerthError && err.code === 'conflict') throw conflict(`Error when allocating new name: ${err.message}`, err);
    throw err;
  }
  await deps.registry.save(c);
  deps.events.emit('container', 'rename', c.Id, containerAttributes(c, { oldName: `/${oldName}` }));
}

/** POST /containers/:id/update: limits and the restart policy; the cgroup is rewritten by the caller. */
export function applyUpdate(c: ContainerRecord, body: Partial<HostConfig>): void {
  const h = c.HostConfig;
  const numKeys = ['Memory', 'MemoryReservation', 'MemorySwap', 'NanoCpus', 'CpuShares', 'CpuQuota', 'CpuPeriod'] as const;
  for (const key of numKeys) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`${key} must be a number`);
    h[key] = v;
  }
  if (body.PidsLimit !== undefined) {
    if (body.PidsLimit !== null && typeof body.PidsLimit !== 'number') throw invalid('PidsLimit must be a number');
    h.PidsLimit = body.PidsLimit !== null && body.PidsLimit > 0 ? body.PidsLimit : null; // 0, -1: unlimited
  }
  if (body.CpusetCpus !== undefined) {
    if (typeof body.CpusetCpus !== 'string') throw invalid('CpusetCpus must be a string');
    h.CpusetCpus = body.CpusetCpus;
  }
  if (body.RestartPolicy !== undefined && body.RestartPolicy !== null) {
    const rp = body.RestartPolicy;
    if (!['', 'no', 'always', 'on-failure', 'unless-stopped'].includes(rp.Name)) throw invalid(`invalid restart policy '${rp.Name}'`);
    if (h.AutoRemove && rp.Name !== '' && rp.Name !== 'no') throw invalid('Restart policy cannot be updated because AutoRemove is enabled for the container');
    h.RestartPolicy = { Name: rp.Name, MaximumRetryCount: rp.MaximumRetryCount ?? 0 };
  }
}
