import { constants } from 'node:os';
import { invalid } from '../../errors.js';

// "SIGTERM", "TERM", "15" → 15, as Docker accepts them in ?signal= and StopSignal.
export function signalNumber(signal: string | number): number {
  if (typeof signal === 'number') return signal;
  const s = signal.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n < 1 || n > 64) throw invalid(`invalid signal: ${signal}`);
    return n;
  }
  const name = (s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`) as keyof typeof constants.signals;
  const n = constants.signals[name];
  if (n === undefined) throw invalid(`invalid signal: ${signal}`);
  return n;
}
