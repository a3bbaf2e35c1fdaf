import { describe, expect, it } from 'vitest';
import { parseCompose } from '../../../src/compose/load.js';
import { loadProject } from '../../../src/compose/pipeline.js';
import { parseWithPositions } from '../../../src/compose/yaml-positions.js';
import { testdir, yaml } from './testdir.js';

// Compose reads files with go-yaml v3, which still takes a plain `0440` as YAML 1.1 octal
// (288). Both our parsers must read it so, and agree with each other on every neighbour.

const fast = (text: string): unknown => parseCompose(text, 'f.yaml')[0]?.tree;
const exact = (text: string): unknown => parseWithPositions(text, 'f.yaml')[0]?.tree;

describe('YAML 1.1 octal integers', () => {
  it.each([
    ['0440', 288],
    ['0400', 256],
    ['01777', 1023],
    ['-0440', -288],
    ['+0440', 288],
    ['0440 # a comment', 288],
    ['0o440', 288],
    ['!!int 0440', 288],
    ['!override 0440', 288],
    // Not octal: decimal without a leading 0, a digit 8 or 9, a float, quoted or !!str text.
    ['1777', 1777],
    ['0', 0],
    ['00', 0],
    ['09', 9],
    ['0440.5', 440.5],
    ['"0440"', '0440'],
    ["'0440'", '0440'],
    ['!!str 0440', '0440'],
  ])('reads v: %s as %j in both parsers', (scalar, expected) => {
    const text = `v: ${scalar}\n`;
    expect(fast(text)).toEqual({ v: expected });
    expect(exact(text)).toEqual({ v: expected });
  });

  it('reads octal inside flow sequences and as mapping keys, alike in both parsers', () => {
    const text = 'list: [0440, "0440", 0750]\n0640: key\n';
    const expected = { list: [288, '0440', 488], '416': 'key' };
    expect(fast(text)).toEqual(expected);
    expect(exact(text)).toEqual(expected);
  });
});

describe('file modes through the pipeline', () => {
  const load = async (text: string) => {
    const dir = testdir({ 'compose.yaml': text, 'token.txt': 's3cret\n', 'app.conf': 'x\n' });
    return loadProject({ cwd: dir, env: {} });
  };

  it('reads secrets and configs `mode: 0440` as octal, as Compose does', async () => {
    const project = await load(yaml`
      services:
        web:
          image: nginx
          secrets:
            - {source: token, target: tok, mode: 0440}
            - {source: token, target: tok2, mode: 0400}
          configs:
            - {source: conf, target: /etc/app.conf, mode: 0644}
      secrets:
        token: {file: ./token.txt}
      configs:
        conf: {file: ./app.conf}
    `);
    const web = project.services.web!;
    expect(web.secrets?.map((s) => s.mode)).toEqual([0o440, 0o400]);
    expect(web.configs?.map((c) => c.mode)).toEqual([0o644]);
  });

  it('keeps a mode written without a leading 0 decimal, as go-yaml does', async () => {
    const project = await load(yaml`
      services:
        web:
          image: nginx
          secrets: [{source: token, mode: 440}]
      secrets:
        token: {file: ./token.txt}
    `);
    expect(project.services.web!.secrets?.[0]?.mode).toBe(440);
  });

  it('reads tmpfs `mode: 01777` as octal and `mode: 1777` as decimal', async () => {
    const project = await load(yaml`
      services:
        web:
          image: nginx
          volumes:
            - {type: tmpfs, target: /run/a, tmpfs: {mode: 01777}}
            - {type: tmpfs, target: /run/b, tmpfs: {mode: 0700}}
            - {type: tmpfs, target: /run/c, tmpfs: {mode: 1777}}
    `);
    const modes = project.services.web!.volumes?.map((v) => v.tmpfs?.mode);
    expect(modes).toEqual([0o1777, 0o700, 1777]);
  });
});
