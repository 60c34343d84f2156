/**
 * One step of the message ladder inside a worker: open-loop, paced sends (small bursts every `tickMs`, so
 * the offered rate holds whatever the server answers), then a drain for late acks and deliveries.
 * Memory is bounded by the step: three typed arrays of one entry per message and fixed-size histograms.
 */
import type { ChatMessage } from '../src/shared/protocol.js';
import { nowMs, sleep } from './clock.js';
import { Histogram } from './stats.js';
import type { Client } from './worker.js';
import { ACK_CODES, ACK_NONE, ACK_OK, messageCid, parseCid, type SendCommand, type SendResult } from './worker-protocol.js';

/** Routes the partner's `new_message` events to the running step. */
export interface SendState {
  onReceived(message: ChatMessage): void;
}

/** Filler after the header: ASCII and Chinese, as real chats mix them (UTF-8 of 1 and 3 bytes). */
const FILLER = 'hello 你好, how are you today? 今天过得怎么样？ '.repeat(20);
/** Poll period while draining. */
const DRAIN_POLL_MS = 20;

export async function runSendStep(
  worker: number,
  command: SendCommand,
  clients: readonly Client[],
  state: { current: SendState | undefined; late: number },
): Promise<SendResult> {
  const senders = clients.filter((c) => c.partner !== undefined && c.socket.connected);
  if (senders.length === 0) throw new Error('no paired sockets to send from');
  const { step, startAtMs, durationMs } = command;
  const total = Math.max(1, Math.round((command.rate * durationMs) / 1000));
  const windowEndMs = startAtMs + durationMs;
  const sendAt = new Float64Array(total);
  const ack = new Uint8Array(total);
  const received = new Uint8Array(total);
  const latency = new Histogram();
  const ackLatency = new Histogram();
  const sendLag = new Histogram();
  const ackErrors: Record<string, number> = {};
  const lateBefore = state.late;
  let sent = 0;
  let acked = 0;
  let ackOk = 0;
  let delivered = 0;
  let deliveredInWindow = 0;
  let staleSteps = 0;
  let nextSender = 0;
  let disconnectsDuring = 0;
  const onDisconnect = () => disconnectsDuring++;
  for (const c of senders) c.socket.on('disconnect', onDisconnect);

  state.current = {
    onReceived(message) {
      const id = message.cid === undefined ? undefined : parseCid(message.cid);
      if (!id || id.worker !== worker) return;
      if (id.step !== step || id.seq >= total) {
        staleSteps++;
        return;
      }
      const count = received[id.seq]!;
      if (count === 0) {
        const t = nowMs();
        delivered++;
        latency.record(t - sendAt[id.seq]!);
        if (t <= windowEndMs) deliveredInWindow++;
      }
      if (count < 255) received[id.seq] = count + 1;
    },
  };

  const sendOne = (seq: number, lagMs: number) => {
    const client = senders[nextSender++ % senders.length]!;
    const t = nowMs();
    sendAt[seq] = t;
    sendLag.record(lagMs);
    // Numbers in base 36: a long run of digits would read as a phone number to the content policy.
    const header = `b:${worker}:${seq.toString(36)}:${Math.round(t * 1000).toString(36)}:`;
    const content = header + FILLER.slice(0, Math.max(0, command.contentChars - header.length));
    client.socket.emit('send_message', { content, cid: messageCid(worker, step, seq) }, (response) => {
      if (ack[seq] !== ACK_NONE) return;
      acked++;
      if (response.ok) {
        ack[seq] = ACK_OK;
        ackOk++;
        ackLatency.record(nowMs() - sendAt[seq]!);
      } else {
        const index = ACK_CODES.indexOf(response.code as (typeof ACK_CODES)[number]);
        ack[seq] = 2 + (index >= 0 ? index : ACK_CODES.length - 1);
        ackErrors[response.code] = (ackErrors[response.code] ?? 0) + 1;
      }
    });
  };

  const perMs = command.rate / 1000;
  await sleep(Math.max(0, startAtMs - nowMs()));
  await new Promise<void>((resolve) => {
    const tick = () => {
      const t = nowMs();
      // Message k is due at startAt + k / rate; send every message that is due by now.
      const due = Math.min(total, Math.floor((t - startAtMs) * perMs) + 1);
      while (sent < due) {
        sendOne(sent, t - (startAtMs + sent / perMs));
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, command.tickMs);
    tick();
  });
  const lastSendAtMs = nowMs();

  const drainUntil = lastSendAtMs + command.drainMs;
  while (nowMs() < drainUntil && (acked < total || delivered < ackOk)) await sleep(DRAIN_POLL_MS);
  state.current = undefined;
  for (const c of senders) c.socket.off('disconnect', onDisconnect);

  let undelivered = 0;
  let deliveredTwice = 0;
  let deliveredWithoutOk = 0;
  for (let i = 0; i < total; i++) {
    const r = received[i]!;
    if (ack[i] === ACK_OK && r === 0) undelivered++;
    if (r > 1) deliveredTwice++;
    if (r > 0 && ack[i] !== ACK_OK) deliveredWithoutOk++;
  }
  return {
    step,
    sent: total,
    ackOk,
    ackErrors,
    unanswered: total - acked,
    delivered,
    deliveredInWindow,
    deliveredTwice,
    undelivered,
    deliveredWithoutOk,
    late: state.late - lateBefore + staleSteps,
    disconnects: disconnectsDuring,
    latency: latency.data(),
    ackLatency: ackLatency.data(),
    sendLag: sendLag.data(),
    firstSendAtMs: sendAt[0]!,
    lastSendAtMs,
    ack,
    received,
  };
}
