import http from 'node:http';
import { unavailable } from '../errors.js';
import { UNIX_SOCKET_REQUEST } from './engine-client.js';

// API version negotiation, as Docker's own clients do it: ask the engine's unversioned
// /_ping, read its Api-Version header, and speak the lower of its version and ours.
// berthd answers 1.41, dockerd 20.10 1.41, newer dockerds up to 1.5x (Docker 29 refuses
// anything below 1.44). What differs inside that range is decided where it matters
// (container create: one endpoint before 1.44, see plan-engine.ts).

/** Oldest version whose semantics berth relies on (wait conditions, health, mounts, init). */
export const MIN_API_VERSION = '1.41';
/** Newest version berth speaks: 1.44 takes every network endpoint at container create. */
export const MAX_API_VERSION = '1.44';

export interface PingAnswer {
  /** The engine's Api-Version header, when it sends one. */
  apiVersion?: string;
  /** The Server header ("Docker/20.10.24 (linux)", "berthd/…"). */
  server?: string;
}

/**
 * GET /_ping without a version prefix; undefined when nothing accepts the connection.
 * Through the default (keep-alive) agent, as EngineClient's requests go, so the command's
 * first request reuses the connection and the ping costs one round trip.
 */
export function pingEngine(socketPath: string, timeoutMs = 5000): Promise<PingAnswer | undefined> {
  return new Promise((resolve) => {
    const req = http.request({ ...UNIX_SOCKET_REQUEST, socketPath, method: 'GET', path: '/_ping', timeout: timeoutMs });
    req.on('response', (res) => {
      res.resume();
      const answer: PingAnswer = {};
      const version = res.headers['api-version'];
      if (typeof version === 'string' && version !== '') answer.apiVersion = version;
      const server = res.headers.server;
      if (typeof server === 'string' && server !== '') answer.server = server;
      resolve(answer);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** The version to speak with an engine that announced `engineVersion` (undefined: none said). */
export function negotiateVersion(engineVersion: string | undefined, socketPath: string): string {
  if (engineVersion === undefined || !/^\d+\.\d+$/.test(engineVersion)) return MIN_API_VERSION;
  const chosen = compareVersions(engineVersion, MAX_API_VERSION) < 0 ? engineVersion : MAX_API_VERSION;
  if (compareVersions(chosen, MIN_API_VERSION) < 0) {
    throw unavailable(`the engine at unix://${socketPath} speaks Docker Engine API ${engineVersion}; berth needs ${MIN_API_VERSION} or later`);
  }
  return chosen;
}

/** Compare "major.minor" versions numerically ("1.9" < "1.41"). */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

export const versionAtLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0;
