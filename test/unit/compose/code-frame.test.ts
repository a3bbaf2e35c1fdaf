import { describe, expect, it } from 'vitest';
import { attachCodeFrame, codeFrame } from '../../../src/compose/code-frame.js';
import { ComposeError } from '../../../src/compose/errors.js';
import { withPosition } from '../../../src/compose/positioned.js';
import { parseFiles } from '../../../src/compose/sources.js';
import { treeLocator } from '../../../src/compose/positions.js';
import { testdir } from './testdir.js';

describe('code frames', () => {
  it('shows the line with a caret under the column and two lines of context', () => {
    const text = 'a: 1\nb: 2\nc: bad\nd: 4\ne: 5\nf: 6\n';
    expect(codeFrame({ file: 'f', line: 3, col: 4 }, text)).toBe(['  1 | a: 1', '  2 | b: 2', '> 3 | c: bad', '    |    ^', '  4 | d: 4', '  5 | e: 5'].join('\n'));
  });

  it('renders a compose error read from disk into detail.rendered', () => {
    const dir = testdir({ 'compose.yaml': 'services:\n  web:\n    image: a\n    image: b\n' });
    let err: unknown;
    try {
      parseFiles([`${dir}/compose.yaml`], undefined);
    } catch (e) {
      err = attachCodeFrame(e);
    }
    expect(err).toBeInstanceOf(ComposeError);
    const rendered = (err as ComposeError).detail?.rendered as string;
    expect(rendered.split('\n')[0]).toBe(`${dir}/compose.yaml:4:5: services.web: duplicate key "image"`);
    expect(rendered).toContain('> 4 |     image: b');
  });
});

describe('withPosition', () => {
  it('gives a key-path-only error the position of its path', () => {
    const [doc] = parseFiles(['-'], 'services:\n  web:\n    image: a\n    ports: ["x"]\n');
    const err = withPosition(new ComposeError('invalid_value', 'services.web.ports[0] is not a port', { keyPath: ['services', 'web', 'ports', 0, 'target'] }), treeLocator(doc!.tree));
    expect((err as ComposeError).message).toBe('<stdin>:4:13: services.web.ports[0] is not a port');
  });
});
