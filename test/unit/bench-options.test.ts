/**
 * The benchmark's own arithmetic and option parsing: how many idle connections the open-files limits let a
 * run open (one process, or a primary whose workers hold the connections), and the options that reach the
 * server (`--env`, `--node-arg`, `--steps`). A wrong cap would make the connections bench fail with EMFILE
 * instead of saying why it stopped; a wrong parse would measure another server than the one asked for.
 */
import { describe, expect, it } from 'vitest';
import { envPairs, nodeArgs, numbers, parse } from '../../bench/args.js';
import { connectionCap, type FdBudget } from '../../bench/scenarios/connections.js';

const process = (soft: number, open: number, hard = soft): FdBudget => ({ soft, hard, open });
const roomy = process(1_000_000, 50);

describe('connectionCap', () => {
  it('one server process: its limit less what it holds and 100 spare, saying the hard limit is the wall', () => {
    const cap = connectionCap([process(20_000, 40)], [roomy, roomy]);
    expect(cap.connections).toBe(20_000 - 40 - 100);
    expect(cap.why).toMatch(/server's open-files limit is 20,000 \(= its hard limit; raising that needs root with CAP_SYS_RESOURCE\), it holds 40/);
  });

  it('workers that hold the connections between them: the tightest worker times their number', () => {
    const cap = connectionCap([process(20_000, 60), process(20_000, 45)], [roomy, roomy, roomy, roomy]);
    expect(cap.connections).toBe((20_000 - 60 - 100) * 2);
    expect(cap.why).toMatch(/each of the server's 2 workers has an open-files limit of 20,000 .* holds up to 60 descriptors/);
  });

  it('a soft limit the bench could not raise is said as such', () => {
    expect(connectionCap([process(1_024, 24, 20_000)], [roomy]).why).toMatch(/below its hard limit 20,000: raising the soft limit failed/);
  });

  it('generator processes that hold fewer sockets than the server could take decide, and ask for more --workers', () => {
    const cap = connectionCap([process(20_000, 40)], [process(5_000, 30), process(6_000, 30)]);
    expect(cap.connections).toBe((5_000 - 30 - 100) * 2);
    expect(cap.why).toMatch(/each of the 2 generator processes can hold 4,870 sockets under its open-files limit \(use more --workers\)/);
  });

  it('no limit anywhere: no cap; a process already over its limit has no room, not a negative one', () => {
    const unlimited = process(Infinity, 10);
    expect(connectionCap([unlimited], [unlimited]).connections).toBe(Infinity);
    expect(connectionCap([process(100, 150)], [roomy]).connections).toBe(0);
  });
});

describe('bench options', () => {
  it('--env KEY=VALUE pairs keep everything after the first "=", and refuse a pair without a key', () => {
    expect(envPairs(['WEB_CONCURRENCY=2', 'DATABASE_URL=postgres://u@h/db?a=b'])).toEqual({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://u@h/db?a=b' });
    expect(envPairs(undefined)).toEqual({});
    expect(() => envPairs(['=2'])).toThrow(/--env needs KEY=VALUE \(got '=2'\)/);
    expect(() => envPairs(['WEB_CONCURRENCY'])).toThrow(/--env needs KEY=VALUE/);
  });

  it('--node-arg takes node flags only, repeatable, as written with "="', () => {
    const { values } = parse(['connections', '--node-arg=--heap-growing-percent=20', '--node-arg=--optimize-for-size']);
    expect(nodeArgs(values['node-arg'])).toEqual(['--heap-growing-percent=20', '--optimize-for-size']);
    expect(() => nodeArgs(['optimize-for-size'])).toThrow(/needs a node flag starting with --/);
  });

  it('--steps reads k for thousands and refuses what is not a positive number', () => {
    expect(numbers('5k, 10000,19.5k')).toEqual([5_000, 10_000, 19_500]);
    expect(numbers(undefined)).toBeUndefined();
    expect(() => numbers('1000,-5')).toThrow(/--steps needs positive numbers/);
    expect(() => numbers('1000,,2000')).toThrow(/--steps needs positive numbers/);
    expect(() => numbers('k')).toThrow(/--steps needs positive numbers/);
  });
});
