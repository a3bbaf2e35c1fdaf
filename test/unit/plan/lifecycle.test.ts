import { expect, test } from 'vitest';
import { planDown, planStop } from '../../../src/plan/lifecycle.js';
import { renderPlan } from '../../../src/plan/plan.js';
import { container, observed, project, service } from './fixtures.js';

const p = project({
  db: service(),
  web: service({ depends_on: { db: { condition: 'service_started', required: true } } }),
});

test('stop goes dependents first', () => {
  expect(renderPlan(planStop(p, observed([container('db', 1), container('web', 1)]), {}))).toBe(
    ['[1] service:web StopContainer p-web-1', '[2] -> #1 service:db StopContainer p-db-1', ''].join('\n'),
  );
});

test('down -v removes containers after stopping them, networks once their containers stopped, volumes after the removals', () => {
  const snapshot = { ...observed([container('db', 1), container('web', 1, { state: 'exited' })]), volumes: [{ name: 'p_data', key: 'data', labels: {} }] };
  expect(renderPlan(planDown(p, snapshot, { volumes: true, removeOrphans: false }))).toBe(
    [
      '[1] service:db StopContainer p-db-1',
      '[2] -> #1 service:db RemoveContainer p-db-1',
      '[3] service:web RemoveContainer p-web-1',
      '[4] -> #1 network:p_default RemoveNetwork',
      '[5] -> #2,#3 volume:p_data RemoveVolume',
      '',
    ].join('\n'),
  );
});

test('down without the compose file removes everything labelled with the project', () => {
  const text = renderPlan(planDown(undefined, observed([container('old', 1, { state: 'exited' })]), { volumes: false, removeOrphans: false }));
  // Nothing runs, so no endpoint holds the network: it goes alongside the container.
  expect(text).toBe(['[1] service:old RemoveContainer p-old-1', '[2] network:p_default RemoveNetwork', ''].join('\n'));
});

test('down keeps orphans and their networks unless --remove-orphans', () => {
  const snapshot = observed([container('web', 1, { state: 'exited' }), container('gone', 1)]);
  const text = renderPlan(planDown(p, snapshot, { volumes: false, removeOrphans: false }));
  expect(text).toContain('warning: Found orphan containers (p-gone-1)');
  expect(text).not.toContain('RemoveNetwork');
  expect(renderPlan(planDown(p, snapshot, { volumes: false, removeOrphans: true }))).toContain('service:gone RemoveContainer p-gone-1');
});
