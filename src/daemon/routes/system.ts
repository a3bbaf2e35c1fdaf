import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Engine } from '../../engine/engine.js';
import type http from 'node:http';
import { HANDLED, type RouteContext, type Router } from '../router.js';

// /_ping, /version, /info: what Docker clients ask first (and negotiate the version by).

export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.24';
export const ENGINE_VERSION = '0.1.0';

function pingHeaders(): Record<string, string> {
  return { 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', 'Ostype': 'linux', 'Builder-Version': '1', 'Cache-Control': 'no-cache, no-store, must-revalidate', Pragma: 'no-cache' };
}

function cgroupVersion(): '1' | '2' {
  try {
    readFileSync('/sys/fs/cgroup/cgroup.controllers');
    return '2';
  } catch {
    return '1';
  }
}

export function registerSystemRoutes(router: Router, engine: Engine): void {
  const ping = (ctx: RouteContext): typeof HANDLED => {
    const res: http.ServerResponse = ctx.res;
    res.writeHead(200, { ...pingHeaders(), 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '2' });
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
    return HANDLED;
  };
  router.get('/_ping', ping);
  router.head('/_ping', ping);

  router.get('/version', () => ({
    Platform: { Name: 'berth' },
    Components: [
      { Name: 'Engine', Version: ENGINE_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: 'amd64', KernelVersion: os.release() } },
      { Name: engine.runtimeName, Version: ENGINE_VERSION, Details: { GitCommit: '' } },
    ],
    Version: ENGINE_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: os.release(),
    BuildTime: '',
  }));

  router.get('/info', async () => {
    const all = engine.containers.registry.all();
    const count = (s: string): number => all.filter((c) => c.State.Status === s).length;
    const images = await engine.images.list().catch(() => []);
    const cgv = cgroupVersion();
    return {
      ID: engine.opts.root,
      Containers: all.length,
      ContainersRunning: count('running'),
      ContainersPaused: count('paused'),
      ContainersStopped: all.length - count('running') - count('paused'),
      Images: images.length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['json-file'] },
      MemoryLimit: true,
      SwapLimit: cgv === '2',
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: process.env.BERTH_DEBUG === '1',
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cgv,
      NEventsListener: 0,
      KernelVersion: os.release(),
      OperatingSystem: operatingSystem(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: os.arch() === 'x64' ? 'x86_64' : os.arch(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: [], Mirrors: [] },
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      DockerRootDir: engine.opts.root,
      HttpProxy: '',
      HttpsProxy: '',
      NoProxy: '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: ENGINE_VERSION,
      Runtimes: { [engine.runtimeName]: { path: engine.runtimeName } },
      DefaultRuntime: engine.runtimeName,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: '',
      SecurityOptions: ['name=seccomp,profile=unconfined'],
      Warnings: [],
    };
  });
}

function operatingSystem(): string {
  try {
    const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'));
    return m?.[1] ?? 'Linux';
  } catch {
    return 'Linux';
  }
}
