/**
 * PGlite's Node.js filesystem with an fsync that reaches the disk.
 *
 * PGlite mounts the data directory in its WebAssembly PostgreSQL through Emscripten's NODEFS, whose
 * stream operations have no `fsync`: PostgreSQL's fsync() goes to WASI `fd_sync`, finds nothing to call
 * and reports success; its fdatasync() is a stub that does nothing at all. So even with `fsync=on` nothing
 * is ever flushed — a commit is in the kernel's page cache when the statement returns (it survives
 * `kill -9`) but not on the disk (a power cut can lose it). This filesystem gives NODEFS the missing
 * operation: fsync(2) on the real file descriptor, file or directory. With `fsync=on` and
 * `wal_sync_method=fsync` (not the default fdatasync, which never reaches it), every commit and every
 * checkpoint is on stable storage before PostgreSQL goes on.
 */
import fs from 'node:fs';
import { NodeFS } from '@electric-sql/pglite/nodefs';

type EmscriptenOptions = Parameters<NodeFS['init']>[1];
type PreRun = NonNullable<EmscriptenOptions['preRun']>[number];

/** The parts of PGlite's Emscripten module this file touches (untyped in PGlite's declarations). */
interface NodefsModule {
  NODEFS: { stream_ops: { fsync?: (stream: { nfd?: number }) => number } };
  FS: { ErrnoError: new (errno: number) => Error };
}

/** Emscripten's errno for EIO: PostgreSQL treats a failed fsync as fatal (`data_sync_retry=off`). */
const EMSCRIPTEN_EIO = 29;

export class DurableNodeFS extends NodeFS {
  /** fsync(2) calls made for the engine so far (WAL, data files, directories). */
  syncs = 0;

  override async init(pg: Parameters<NodeFS['init']>[0], options: EmscriptenOptions): Promise<{ emscriptenOpts: EmscriptenOptions }> {
    const { emscriptenOpts } = await super.init(pg, options);
    const installFsync: PreRun = (mod) => this.installFsync(mod as unknown as NodefsModule);
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), installFsync] } };
  }

  private installFsync(mod: NodefsModule): void {
    // Each engine instance has its own NODEFS object, so this changes this instance only.
    mod.NODEFS.stream_ops.fsync = (stream) => {
      if (stream.nfd === undefined) return 0;
      try {
        fs.fsyncSync(stream.nfd);
      } catch {
        throw new mod.FS.ErrnoError(EMSCRIPTEN_EIO);
      }
      this.syncs++;
      return 0;
    };
  }
}
