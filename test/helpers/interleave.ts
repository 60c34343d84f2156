/**
 * Makes a race certain instead of lucky: wraps a seam (registry, queue, repository) so that a test can
 * stop one chosen call — before it runs, or after it has read its result — until the test lets it go, or
 * make it fail once. Everything else passes straight through. For a database, `heldAfterReading` holds
 * transactions after a chosen read.
 */
import type { Database, Queryable } from '../../src/storage/database.js';

type Method<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/** A call stopped by `hold`: `reached` resolves with its arguments once it is waiting; `release()` lets it go on. */
export interface Hold {
  reached: Promise<unknown[]>;
  release(): void;
}

interface Rule {
  method: string;
  when: (args: unknown[]) => boolean;
  at: 'before' | 'after';
  fail?: Error;
  failed?: () => void;
  hold?: { signal: (args: unknown[]) => void; gate: Promise<void> };
}

export interface Interceptor<T extends object> {
  /** Use this in place of the wrapped object. */
  readonly proxy: T;
  /**
   * Stops the next call of `method` whose arguments satisfy `when`: `before` it reaches the wrapped
   * object, or `after` it has its result (so it acts on what it read, while the test changes the world).
   */
  hold(method: Method<T>, options?: { when?: (...args: never[]) => boolean; at?: 'before' | 'after' }): Hold;
  /**
   * Makes the next matching call reject with `error` without reaching the wrapped object. Resolves once
   * it has.
   */
  failNext(method: Method<T>, error: Error, options?: { when?: (...args: never[]) => boolean }): Promise<void>;
}

export function intercept<T extends object>(target: T): Interceptor<T> {
  const rules: Rule[] = [];
  const take = (method: string, args: unknown[], at: Rule['at']): Rule | undefined => {
    const index = rules.findIndex((r) => r.method === method && r.at === at && r.when(args));
    return index < 0 ? undefined : rules.splice(index, 1)[0];
  };
  const proxy = new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return async (...args: unknown[]) => {
        const before = take(property, args, 'before');
        if (before?.fail) {
          before.failed?.();
          throw before.fail;
        }
        if (before?.hold) {
          before.hold.signal(args);
          await before.hold.gate;
        }
        const result: unknown = await (value as (...a: unknown[]) => unknown).apply(object, args);
        const after = take(property, args, 'after');
        if (after?.hold) {
          after.hold.signal(args);
          await after.hold.gate;
        }
        return result;
      };
    },
  });
  return {
    proxy,
    hold(method, options = {}) {
      let signal!: (args: unknown[]) => void;
      let release!: () => void;
      const reached = new Promise<unknown[]>((resolve) => (signal = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const when = (options.when ?? (() => true)) as (...args: unknown[]) => boolean;
      rules.push({ method, when: (args) => when(...args), at: options.at ?? 'before', hold: { signal, gate } });
      return { reached, release };
    },
    failNext(method, error, options = {}) {
      const when = (options.when ?? (() => true)) as (...args: unknown[]) => boolean;
      return new Promise<void>((failed) => rules.push({ method, when: (args) => when(...args), at: 'before', fail: error, failed }));
    },
  };
}

/**
 * `database`, its transactions each held right after a statement matching `statement` until two of them
 * have run it, or `maxWaitMs`: the window between a read and the write it decides is made wide, and two
 * transactions meet in it — unless a lock keeps the second from reading before the first commits (then it
 * waits out `maxWaitMs`, alone). PGlite runs one transaction at a time: there it simply serializes.
 */
export function heldAfterReading(database: Database, statement: RegExp, maxWaitMs = 300): Database {
  let reads = 0;
  let bothRead: () => void = () => {};
  const gate = new Promise<void>((resolve) => (bothRead = resolve));
  return Object.assign(Object.create(database) as Database, {
    transaction: <T>(work: (tx: Queryable) => Promise<T>) =>
      database.transaction((tx) =>
        work({
          query: async <R>(text: string, params?: readonly unknown[]) => {
            const rows = await tx.query<R>(text, params);
            if (statement.test(text)) {
              if (++reads === 2) bothRead();
              await Promise.race([gate, new Promise((resolve) => setTimeout(resolve, maxWaitMs))]);
            }
            return rows;
          },
        }),
      ),
  });
}
