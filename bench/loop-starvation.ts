/**
 * A standalone experiment (no chat server): how long Node's event loop can go without running a timer or
 * a `setImmediate` when many sockets are readable at once. libuv's poll phase on Linux asks epoll for up to
 * 1,024 ready descriptors; when it gets all 1,024 it runs their callbacks and asks again at once, up to 48
 * times, before the loop moves on to immediates and timers. Past ~1,024 busy connections one poll phase can
 * therefore run ≈ 49,000 read callbacks.
 *
 * A plain TCP server (child process) spends `--work-us` of CPU per read; the parent opens N connections and
 * writes 16 bytes on each every 20 ms (more than the server can read: it is overloaded, as the chat server
 * is past its capacity). The server reports, over 5 s: the longest gap between two runs of a 10 ms interval,
 * the event-loop delay (`monitorEventLoopDelay`: no sample at all when no timer ran), and reads done.
 *
 *   npx tsx bench/loop-starvation.ts [--conns 500,1000,1500,3000,6000] [--work-us 50]
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

interface Report {
  conns: number;
  maxGapMs: number;
  /** Null when no timer ran at all in the 5 s. */
  delayP99Ms: number | null;
  reads: number;
}

function serve(workUs: number): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let reads = 0;
  let maxGap = 0;
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last - 10);
    last = now;
  }, 10);
  const server = net.createServer((socket) => {
    socket.on('data', () => {
      reads++;
      const end = performance.now() + workUs / 1000;
      while (performance.now() < end);
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as net.AddressInfo).port }));
  process.on('message', (message) => {
    if (message === 'reset') {
      delay.reset();
      [maxGap, reads, last] = [0, 0, performance.now()];
    } else if (message === 'report') {
      process.send!({ maxGapMs: maxGap, delayP99Ms: delay.count > 0 ? delay.percentile(99) / 1e6 : null, reads });
    }
  });
}

async function measure(conns: number, workUs: number): Promise<Report> {
  const child = fork(process.argv[1]!, ['--serve', String(workUs)], { execArgv: process.execArgv });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  const sockets = Array.from({ length: conns }, () => net.connect(port, '127.0.0.1').on('error', () => {}));
  await Promise.all(sockets.map((s) => once(s, 'connect')));
  const chunk = Buffer.alloc(16);
  const writer = setInterval(() => {
    for (const s of sockets) s.write(chunk);
  }, 20);
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  child.send('reset');
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  child.send('report');
  const [report] = (await once(child, 'message')) as [Omit<Report, 'conns'>];
  clearInterval(writer);
  for (const s of sockets) s.destroy();
  child.kill();
  return { conns, ...report };
}

const { values } = parseArgs({ options: { serve: { type: 'string' }, conns: { type: 'string' }, 'work-us': { type: 'string' } } });
if (values.serve !== undefined) {
  serve(Number(values.serve));
} else {
  const workUs = Number(values['work-us'] ?? 50);
  const counts = (values.conns ?? '500,1000,1500,3000,6000').split(',').map(Number);
  console.log(`| connections | work per read µs | longest gap between timer runs ms | event-loop delay p99 ms | reads per s |`);
  console.log(`|---:|---:|---:|---:|---:|`);
  for (const conns of counts) {
    const r = await measure(conns, workUs);
    const p99 = r.delayP99Ms === null ? 'no sample' : r.delayP99Ms.toFixed(1);
    console.log(`| ${conns} | ${workUs} | ${r.maxGapMs.toFixed(1)} | ${p99} | ${Math.round(r.reads / 5)} |`);
  }
  process.exit(0);
}
