// The capabilities this process can hand to a container: its bounding set. A sandboxed
// daemon (this kind of host lacks CAP_SYS_RESOURCE) must not ask the runtime for more, or
// every privileged container fails with EPERM at capset.
import { readFileSync } from 'node:fs';
import { ALL_CAPABILITIES, capabilitiesFromMask } from './capabilities.js';

export function hostCapabilities(statusText?: string): string[] {
  let text = statusText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/status', 'utf8');
    } catch {
      return [...ALL_CAPABILITIES];
    }
  }
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(text)?.[1];
  return hex === undefined ? [...ALL_CAPABILITIES] : capabilitiesFromMask(hex);
}
