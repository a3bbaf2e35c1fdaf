import { afterAll, describe, expect, it } from 'vitest';
import { BridgeNetworkService } from '../../../src/engine/networks/network-service.js';
import { useLeakCheck } from '../../support/leaks.js';
import { busybox, cleanupSteps, testDirs } from './helpers.js';

useLeakCheck();

const dirs = testDirs();
const svc = new BridgeNetworkService({ root: dirs.root, runDir: dirs.runDir, dnsUpstreams: [] });
const ids = Array.from({ length: 30 }, (_, i) => i.toString(16).padStart(64, '0'));

afterAll(async () => {
  await cleanupSteps([() => Promise.all(ids.map((id) => svc.removeSandbox(id))), () => svc.remove('scale'), () => svc.close(), () => dirs.cleanup()]);
});

describe('many sandboxes at once', () => {
  it('gives 30 concurrent sandboxes distinct working addresses', async () => {
    await svc.create({ Name: 'scale' });
    const started = performance.now();
    const boxes = await Promise.all(ids.map((id, i) => svc.createSandbox(id, `c${i}`, [{ networkId: 'scale', aliases: ['rep'] }], [])));
    const createMs = performance.now() - started;
    const ips = boxes.map((b) => b.endpoints.scale?.IPAddress);
    expect(new Set(ips).size).toBe(30);
    const first = boxes[0]?.netnsPath ?? '';
    expect((await busybox(first, 'ping', '-c', '1', '-W', '2', ips[29] ?? '')).code).toBe(0);
    const removeStarted = performance.now();
    await Promise.all(ids.map((id) => svc.removeSandbox(id)));
    const removeMs = performance.now() - removeStarted;
    // Figures for the report, not assertions (benchmarks are not tests).
    console.log(`createSandbox x30 concurrent: ${createMs.toFixed(0)} ms; removeSandbox x30: ${removeMs.toFixed(0)} ms`);
    const one = performance.now();
    await svc.createSandbox(ids[0] ?? '', 'single', [{ networkId: 'scale', aliases: [] }], []);
    console.log(`createSandbox x1: ${(performance.now() - one).toFixed(1)} ms`);
  });
});
