/**
 * The bot challenge in tests: settings with a tiny difficulty, and a challenge fetched from a server and
 * solved with altcha-lib's own solver — the same work the widget does, as its payload (base64 JSON); in a
 * browser, the page's challenge requests held until a test has looked at the dialog.
 */
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Page } from 'playwright-core';
import { io } from 'socket.io-client';
import type { Config } from '../../src/config/config.js';
import { networkOf } from '../../src/http/client-address.js';
import { createNetworkHasher } from '../../src/privacy/network-hash.js';
import type { TestSocket } from './client.js';
import { CHALLENGE_OFF, TEST_SECRET } from './server.js';

/** Settings for a challenge test: the mode, a solve of a few milliseconds, and what a test overrides. */
export function challengeSettings(mode: Config['challenge']['mode'], overrides: Partial<Config['challenge']> = {}): Config['challenge'] {
  return { ...CHALLENGE_OFF, mode, cost: 2, maxAttempts: 40, ...overrides };
}

/** `GET /api/challenge` from the given forwarded address (when the server trusts the proxy header). */
export async function fetchChallenge(url: string, address?: string): Promise<Challenge> {
  const res = await fetch(`${url}/api/challenge`, { headers: address ? { 'x-forwarded-for': address } : {} });
  if (!res.ok) throw new Error(`GET /api/challenge answered ${res.status}`);
  return (await res.json()) as Challenge;
}

/** The widget's payload for a solved challenge. */
export function payloadOf(challenge: Challenge, solution: { counter: number; derivedKey: string }): string {
  return Buffer.from(JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })).toString('base64');
}

/** Solves a challenge as the widget would, and returns its payload. */
export async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey, timeout: 10_000 });
  if (!solution) throw new Error('no solution found');
  return payloadOf(challenge, solution);
}

/** A fresh challenge from the server, solved. */
export async function solvedPayload(url: string, address?: string): Promise<string> {
  return solve(await fetchChallenge(url, address));
}

const hashNetwork = createNetworkHasher(TEST_SECRET);

/** A client address as the server's per-address controls know it: the HMAC of its network. */
export function addressKey(ip: string): string {
  return hashNetwork(networkOf(ip));
}

let lastAddress = 0;
/** An address no other connection of this test file uses (TEST-NET-3), for a server that trusts X-Forwarded-For. */
export function freshAddress(): string {
  lastAddress += 1;
  return `203.0.113.${lastAddress}`;
}

export interface Opened {
  socket?: TestSocket;
  userId?: string;
  token?: string;
  /** `connect_error` data.code when the handshake was refused. */
  refused?: string;
}

/**
 * Opens a connection from `address` (X-Forwarded-For), with an identity token and a solved challenge
 * when given; resolves with the session, or with the code of the refusal. `track` gets every socket
 * that connected, for the test to close.
 */
export function openFrom(url: string, address: string, auth: { token?: string; altcha?: string }, track: (socket: TestSocket) => void): Promise<Opened> {
  const socket: TestSocket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    auth,
    extraHeaders: { 'x-forwarded-for': address },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no session and no refusal')), 10_000);
    socket.once('session', (session) => {
      clearTimeout(timer);
      track(socket);
      resolve({ socket, userId: session.user_id, token: session.token });
    });
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      clearTimeout(timer);
      socket.close();
      resolve({ refused: err.data?.code ?? err.message });
    });
  });
}

/**
 * Holds the page's `GET /api/challenge` requests until `release()`: the widget starts on its own and a
 * tiny proof of work is done in well under a second, so a test that looks at the dialog first holds them.
 */
export async function holdChallenge(page: Page): Promise<{ release(): void }> {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/challenge', async (route) => {
    await released;
    // The page may be gone by then (the request of a widget already removed is answered all the same).
    await route.continue().catch(() => undefined);
  });
  return {
    release: () => release(),
  };
}
