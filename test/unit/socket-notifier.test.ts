/**
 * The notifier's conversations on a real Socket.IO server: a connection is in one conversation at a time,
 * and the one it is in is the last it joined — a late join to a closed chat (through another instance,
 * after that chat's goodbye) never keeps "stranger is typing" going to the closed chat.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationOf, SocketNotifier } from '../../src/realtime/socket-notifier.js';
import type { ChatServer } from '../../src/realtime/types.js';

describe('SocketNotifier conversations', () => {
  const http = createServer();
  const io = new Server(http) as unknown as ChatServer;
  const notifier = new SocketNotifier(io);
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => io.close(resolve));
  });

  it('joining a conversation leaves any other the connection was still in', async () => {
    const client = connectClient(url, { transports: ['websocket'], forceNew: true });
    await new Promise((resolve) => client.on('connect', () => resolve(undefined)));
    const socket = io.sockets.sockets.get(client.id!)!;
    notifier.joinConversation(socket.id, 7);
    notifier.joinConversation(socket.id, 8);
    expect([...socket.rooms].filter((room) => room.startsWith('chat:'))).toEqual(['chat:8']);
    expect(conversationOf(socket.rooms)).toBe(8);
    client.close();
  });

  it('in several (a join that came through another instance), the conversation is the last joined', () => {
    expect(conversationOf(new Set(['socket-id', 'chat:3', 'chat:9']))).toBe(9);
    expect(conversationOf(new Set(['socket-id']))).toBeUndefined();
  });
});
