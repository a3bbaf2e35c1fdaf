import { unavailable } from '../errors.js';
import { unixRequest } from './unix-http.js';

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
 * GET /_ping without a version prefix; undefined when nothing accepts the connection (or
 * answers within `timeoutMs`). The connection is kept, as EngineClient's requests keep
 * theirs (unix-http.ts), so the command's first request reuses it and the ping costs one
 * round trip.
 */
export async function pingEngine(socketPath: string, timeoutMs = 5000): Promise<PingAnswer | undefined> {
  let headers: Record<string, string>;
  try {
    ({ headers } = await unixRequest(socketPath, { method: 'GET', path: '/_ping', timeoutMs }));
  } catch {
    return undefined;
  }
  const answer: PingAnswer = {};
  if (headers['api-version'] !== undefined && headers['api-version'] !== '') answer.apiVersion = headers['api-version'];
  if (headers.server !== undefined && headers.server !== '') answer.server = headers.server;
  return answer;
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

/**
 * The version to speak after a ping that may not have been answered: undefined when no engine
 * answered or one too old did (connectEngine then starts berthd or says what is wrong).
 */
export function versionAfterPing(answer: PingAnswer | undefined, socketPath: string): string | undefined {
  if (!answer) return undefined;
  try {
    return negotiateVersion(answer.apiVersion, socketPath);
  } catch {
    return undefined;
  }
}

/** Compare "major.minor" versions numerically ("1.9" < "1.41"). */
export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

export const versionAtLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0;
