/**
 * nginx (Debian package) in front of our instances, with the repository's own deploy/nginx.conf: only
 * the upstream ports and the listening port are rewritten for the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './database.js';
import { freePort } from './ports.js';

export const NGINX_BIN = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((p) => existsSync(p));

export interface Nginx {
  url: string;
  /** What nginx wrote to the access log `deploy/nginx.conf` names, so far. */
  accessLog(): string;
  stop(): Promise<void>;
}

export async function startNginx(backendUrls: string[]): Promise<Nginx> {
  if (!NGINX_BIN) throw new Error('nginx is not installed');
  const dir = tempDir('chat-nginx-');
  // nginx started as root runs its workers as `nobody`: they must reach the temporary files of large
  // request bodies (the content policy's save) under this directory.
  chmodSync(dir.path, 0o755);
  const port = await freePort();
  const template = readFileSync(fileURLToPath(new URL('../../deploy/nginx.conf', import.meta.url)), 'utf8');
  const ports = backendUrls.map((u) => new URL(u).port);
  let site = template.replace('listen 8080;', `listen 127.0.0.1:${port};`).replace('/var/log/nginx/', `${dir.path}/`);
  ['5001', '5002', '5003'].forEach((placeholder, i) => {
    site = site.replaceAll(`server 127.0.0.1:${placeholder};`, ports[i] ? `server 127.0.0.1:${ports[i]};` : '');
  });
  writeFileSync(join(dir.path, 'chat.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir.path}/${t};`).join('\n  ');
  writeFileSync(
    join(dir.path, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir.path}/nginx.pid;
error_log ${dir.path}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${temp}
  include ${dir.path}/chat.conf;
}
`,
  );
  const child: ChildProcess = spawn(NGINX_BIN, ['-c', join(dir.path, 'nginx.conf'), '-p', dir.path], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(url + '/healthz').then((r) => r.ok, () => false)) break;
    if (child.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(join(dir.path, 'error.log'), 'utf8')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    accessLog: () => readFileSync(join(dir.path, 'chat-access.log'), 'utf8'),
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM'); // fast shutdown: don't wait for long-lived WebSockets
        await once(child, 'exit');
      }
      dir.remove();
    },
  };
}
