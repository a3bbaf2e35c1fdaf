import { invalid } from '../../errors.js';
import type { NetworkState } from './state.js';

// The Docker bridge driver options berth honours (others are kept and shown as given).
export const OPT_BRIDGE_NAME = 'com.docker.network.bridge.name';
export const OPT_MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';
export const OPT_MTU = 'com.docker.network.driver.mtu';

export function validateOptions(options: Record<string, string>): void {
  const name = options[OPT_BRIDGE_NAME];
  if (name !== undefined && !/^[a-zA-Z0-9_.-]{1,15}$/.test(name)) throw invalid(`invalid ${OPT_BRIDGE_NAME} ${JSON.stringify(name)}: 1-15 of [a-zA-Z0-9_.-]`);
  const mtu = options[OPT_MTU];
  if (mtu !== undefined && mtu !== '' && mtu !== '0' && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535)) {
    throw invalid(`invalid ${OPT_MTU} ${JSON.stringify(mtu)}: an integer from 68 to 65535`);
  }
  const masq = options[OPT_MASQUERADE];
  if (masq !== undefined && masq !== 'true' && masq !== 'false') throw invalid(`invalid ${OPT_MASQUERADE} ${JSON.stringify(masq)}: true or false`);
}

/** The MTU for a network's veths; undefined = the kernel's default (1500). */
export function mtuOf(n: NetworkState): number | undefined {
  const v = Number(n.options[OPT_MTU] ?? 0);
  return v > 0 ? v : undefined;
}

export function masqueradeOf(n: NetworkState): boolean {
  return n.options[OPT_MASQUERADE] !== 'false';
}
