/** The admin team in tests: invite and join, log in by name (with a 2FA code), compute codes. */
import type { FastifyInstance } from 'fastify';
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { injectLogin, sessionCookie } from './helpers.js';

export type Role = 'owner' | 'moderator' | 'viewer';

/** The code an authenticator app shows for `secret` at the clock's time (`stepOffset` 30 s steps later). */
export function totpCode(secret: string, clock: Clock, stepOffset = 0): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: clock.now().getTime() + stepOffset * 30_000 });
}

/** An owner's invitation for `role`; its token. */
export async function invite(fastify: FastifyInstance, ownerCookie: string, role: Role): Promise<{ id: number; token: string }> {
  const response = await fastify.inject({ method: 'POST', url: '/admin/api/team/invitations', headers: { cookie: ownerCookie }, payload: { role } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

export function accept(fastify: FastifyInstance, token: string, name: string, password = `${name}-password-long`) {
  return fastify.inject({ method: 'POST', url: '/admin/invitations/accept', payload: { token, name, password } });
}

/** A new team member with `role`, logged in: its cookie. */
export async function join(fastify: FastifyInstance, role: Role, name: string): Promise<string> {
  const { token } = await invite(fastify, await injectLogin(fastify), role);
  const response = await accept(fastify, token, name);
  expect(response.statusCode, response.body).toBe(200);
  return sessionCookie(response);
}

export function login(fastify: FastifyInstance, body: { name?: string; password: string; code?: string }) {
  return fastify.inject({ method: 'POST', url: '/admin/login', payload: body });
}
