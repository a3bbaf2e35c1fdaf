import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { paxXattrs, PaxXattrScanner } from '../../../src/engine/images/pax-xattrs.js';

/** One ustar header block (only what the scanner reads: name, size, type), checksum filled. */
function header(name: string, type: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0, 'latin1');
  b.write(size.toString(8).padStart(11, '0'), 124, 'latin1');
  b.write(type, 156, 'latin1');
  b.write('ustar\x0000', 257, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

const padded = (body: Buffer): Buffer => Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);

/** A pax record "<len> <key>=<value>\n", the length counting itself. */
function record(key: string, value: Buffer): Buffer {
  const rest = Buffer.concat([Buffer.from(` ${key}=`, 'latin1'), value, Buffer.from('\n')]);
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len++;
  return Buffer.concat([Buffer.from(String(len)), rest]);
}

function entry(type: string, name: string, body: Buffer): Buffer {
  return Buffer.concat([header(name, type, body.length), padded(body)]);
}

async function scan(archive: Buffer, chunk = 100): Promise<PaxXattrScanner> {
  const scanner = new PaxXattrScanner();
  const parts: Buffer[] = [];
  for (let i = 0; i < archive.length; i += chunk) parts.push(archive.subarray(i, i + chunk));
  await pipeline(Readable.from(parts), scanner, new Writable({ write: (_c, _e, cb) => cb() }));
  return scanner;
}

describe('pax xattrs', () => {
  it('reads raw values (bytes that are not UTF-8 kept) and only SCHILY.xattr records', () => {
    const body = Buffer.concat([record('path', Buffer.from('a/b')), record('SCHILY.xattr.security.capability', Buffer.from([1, 0, 0, 2, 0xff, 0x80, 0x0a, 0x3d])), record('SCHILY.xattr.user.x', Buffer.from('y'))]);
    const x = paxXattrs(body);
    expect([...x.keys()]).toEqual(['security.capability', 'user.x']);
    expect(x.get('security.capability')).toEqual(Buffer.from([1, 0, 0, 2, 0xff, 0x80, 0x0a, 0x3d]));
  });

  it('numbers entries as tar-stream hands them out (pax headers and GNU long names are not entries), across chunk borders', async () => {
    const archive = Buffer.concat([
      entry('g', 'global', record('SCHILY.xattr.user.all', Buffer.from('g'))),
      entry('0', 'first', Buffer.from('one')), // 0: the global one only
      entry('x', 'pax', record('SCHILY.xattr.user.own', Buffer.from([0xfe]))),
      entry('L', '././@LongLink', Buffer.from('a'.repeat(200))),
      entry('0', 'second', Buffer.alloc(700)), // 1: global + its own (after a long name)
      entry('5', 'dir/', Buffer.alloc(0)), // 2: global only
      Buffer.alloc(1024),
    ]);
    for (const chunk of [1, 100, 512, 4096]) {
      const s = await scan(archive, chunk);
      expect(s.xattrsOf(0)).toEqual(new Map([['user.all', Buffer.from('g')]]));
      expect(s.xattrsOf(1)).toEqual(new Map([['user.all', Buffer.from('g')], ['user.own', Buffer.from([0xfe])]]));
      expect(s.xattrsOf(2)).toEqual(new Map([['user.all', Buffer.from('g')]]));
      expect(s.xattrsOf(3)).toBeUndefined();
    }
  });
});
