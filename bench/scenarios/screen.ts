/**
 * `npm run bench -- screen [--against DIR] [--rounds N]`: what the content screen costs a message, in
 * process — the default policy built (the term automaton with the crisis phrases), then `evaluate` (terms,
 * crisis help, contact details, links, repeats) over a fixed mix of ordinary Chinese and English lines, a
 * few with contact details, insults or crisis words. `--against DIR`: another checkout's src/ (an older
 * commit, say) measured in the same run, rounds interleaved, so the ratio between the two is not the
 * machine's mood. Prints the median and the worst round of each, per message.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const LINES = [
  '你好，今天天气不错，我们去哪里玩？',
  'hello how are you doing today, any plans for the weekend?',
  '我最近在刷单词准备考试，好累啊',
  'I want to hang out with friends tonight',
  '这个电影太好看了，笑死我了哈哈哈',
  'lol that game was crazy, i died laughing',
  '你是哪里人？我是北京的，住在朝阳区',
  'What music do you like? I listen to jazz mostly.',
  '加我微信 wang_1234 吧',
  'my email is bob at gmail dot com',
  '活着好累，不想活了',
  'what the fuck you talking about',
];
const MESSAGES = 20_000;

interface Target {
  label: string;
  build(): { evaluate(text: string, context: { senderId: string; roomId: number }): unknown };
}

async function targetOf(root: string, label: string): Promise<Target> {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  const { ContentPolicy } = await load('src/policy/content-policy.ts');
  const { DEFAULT_POLICY } = await load('src/policy/policy-document.ts');
  return {
    label,
    build() {
      const policy = new ContentPolicy({ repeatRooms: 1_000, repeatWindowMs: 600_000, now: () => Date.now() });
      policy.load(DEFAULT_POLICY);
      return policy;
    },
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function screenCommand(options: { against?: string; rounds: number }, log: (line: string) => void): Promise<number> {
  const targets = [await targetOf(resolve('.'), 'this checkout')];
  if (options.against) targets.push(await targetOf(resolve(options.against), options.against));
  const texts = Array.from({ length: MESSAGES }, (_, i) => `${LINES[i % LINES.length]} ${i}`);
  const builds = new Map<string, number[]>(targets.map((t) => [t.label, []]));
  const perMessage = new Map<string, number[]>(targets.map((t) => [t.label, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const target of targets) {
      const started = performance.now();
      const policy = target.build();
      builds.get(target.label)!.push(performance.now() - started);
      const scanned = performance.now();
      for (let i = 0; i < texts.length; i++) policy.evaluate(texts[i]!, { senderId: `u${i % 500}`, roomId: i });
      perMessage.get(target.label)!.push(((performance.now() - scanned) / texts.length) * 1_000);
    }
  }
  log(`content screen, default policy, ${MESSAGES} messages a round, ${options.rounds} rounds interleaved (Node ${process.version})\n`);
  log('| target | build, median (max) | evaluate µs/message, median (max of rounds) |');
  log('|---|---|---|');
  for (const target of targets) {
    const b = builds.get(target.label)!;
    const m = perMessage.get(target.label)!;
    log(`| ${target.label} | ${median(b).toFixed(0)} ms (${Math.max(...b).toFixed(0)}) | ${median(m).toFixed(2)} (${Math.max(...m).toFixed(2)}) |`);
  }
  if (targets.length === 2) {
    const ratio = median(perMessage.get(targets[0]!.label)!) / median(perMessage.get(targets[1]!.label)!);
    log(`\nthis checkout / ${targets[1]!.label}: ${ratio.toFixed(2)} × per message`);
  }
  return 0;
}
