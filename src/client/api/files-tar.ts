import tar from 'tar-stream';
import type { InlineFile } from '../../plan/container-mounts.js';

/** A tar of files at their absolute paths (for PUT /containers/{id}/archive?path=/), as Compose writes inline secrets. */
export async function filesTar(files: readonly InlineFile[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const mtime = new Date();
  for (const f of files) {
    pack.entry({ name: f.path.replace(/^\/+/, ''), mode: f.mode, uid: f.uid, gid: f.gid, mtime, type: 'file' }, f.content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
