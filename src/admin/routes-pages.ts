/**
 * The admin pages: `GET /admin` answers the dashboard with a live session and the login form without one.
 * The HTML is Vite's build output (`<webDir>/admin/*.html`); its scripts and styles come from `/assets/`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { readSessionToken } from './auth/session-cookie.js';
import type { AdminContext } from './context.js';

type PageName = 'index.html' | 'login.html' | 'invite.html';

export async function registerPageRoutes(app: FastifyInstance, ctx: AdminContext): Promise<void> {
  // No schemas: these take no input, and answer HTML or a redirect through the raw reply.
  app.get('/', async (request, reply) => {
    const session = await ctx.sessions.find(readSessionToken(request));
    return sendPage(reply, ctx.webDir, session ? 'index.html' : 'login.html');
  });
  // Joining the team: the invitation's token is in the address's fragment, read by the page's script.
  app.get('/invite', async (_request, reply) => sendPage(reply, ctx.webDir, 'invite.html'));
  // The built files would otherwise be served as plain static files; one address keeps the session logic in one place.
  for (const path of ['/index.html', '/login.html', '/login', '/invite.html']) app.get(path, async (_request, reply) => reply.redirect('/admin', 303));
}

async function sendPage(reply: FastifyReply, webDir: string, page: PageName): Promise<FastifyReply> {
  let html: string;
  try {
    html = await readFile(join(webDir, 'admin', page), 'utf8');
  } catch {
    return reply.code(503).type('text/plain; charset=utf-8').send('Admin pages not built: run `npm run build`.\n');
  }
  // Which page you get depends on the session, so no cache may reuse it for someone else.
  return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}
