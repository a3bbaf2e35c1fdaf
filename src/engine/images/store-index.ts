import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { internal } from '../../errors.js';
import { Mutex } from './mutex.js';

// The store's own small index: which images exist (by config digest), which references
// point at them, and the uncompressed size of each unpacked layer. One JSON file, read
// and rewritten under a mutex and replaced atomically (temp file + rename), so
// concurrent writers in this process never lose an update and a crash never leaves a
// half-written index. The OCI index.json is regenerated from it on every change.

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string; variant?: string };
}

export interface ImageEntry {
  /** The image manifest (OCI or Docker schema 2). */
  manifest: Descriptor;
  /** When the image entered this store (RFC 3339). */
  added: string;
}

export interface StoreState {
  version: 1;
  /** By image ID (config digest). */
  images: Record<string, ImageEntry>;
  /** Fully qualified "domain/path:tag" → image ID. */
  refs: Record<string, string>;
  /** By diff ID: uncompressed size in bytes. */
  layers: Record<string, { size: number }>;
}

const empty = (): StoreState => ({ version: 1, images: {}, refs: {}, layers: {} });

/** One mutex per index file, so two store objects on one root in a process still take turns. */
const mutexes = new Map<string, Mutex>();

/**
 * The last text read of each index file, with what identifies that version of the file: every
 * write replaces the file (a new inode), so a stat that matches means the same text. Why: every
 * container create and start reads the index, and a read through the thread pool waited behind
 * other containers' work (2–6 ms each at a `run --rm`); a stat is a few µs.
 */
const texts = new Map<string, { key: string; text: string }>();

export class StoreIndex {
  private readonly mutex: Mutex;
  private readonly file: string;

  constructor(private readonly root: string, private readonly onChange: (state: StoreState) => Promise<void>) {
    this.file = path.resolve(root, 'repositories.json');
    let mutex = mutexes.get(this.file);
    if (!mutex) {
      mutex = new Mutex();
      mutexes.set(this.file, mutex);
    }
    this.mutex = mutex;
  }

  async read(): Promise<StoreState> {
    let text: string;
    try {
      text = this.readText();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return empty();
      throw err;
    }
    // Parsed each time: callers may change what they get (update() does).
    try {
      const state = JSON.parse(text) as StoreState;
      return { ...empty(), ...state };
    } catch (err) {
      throw internal(`image store index ${this.file} is corrupt`, err);
    }
  }

  /** The file's text, from memory while the file is the one read last (a small file: sync). */
  private readText(): string {
    const st = statSync(this.file, { bigint: true });
    const key = `${st.ino}:${st.size}:${st.mtimeNs}`;
    const cached = texts.get(this.file);
    if (cached?.key === key) return cached.text;
    const text = readFileSync(this.file, 'utf8');
    texts.set(this.file, { key, text });
    return text;
  }

  /** Read-modify-write under the mutex; `fn` may mutate the state and return a value. */
  update<T>(fn: (state: StoreState) => Promise<T> | T): Promise<T> {
    return this.mutex.run(() => this.updateUnlocked(fn));
  }

  /** The same, for a caller already inside `exclusive`. */
  async updateUnlocked<T>(fn: (state: StoreState) => Promise<T> | T): Promise<T> {
    const state = await this.read();
    const result = await fn(state);
    await this.write(state);
    await this.onChange(state);
    return result;
  }

  /** Run under the same mutex without writing (garbage collection reads a stable view). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(fn);
  }

  private async write(state: StoreState): Promise<void> {
    await writeAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }
}

export async function writeAtomic(file: string, data: string | Buffer): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, data);
  await rename(tmp, file);
}
