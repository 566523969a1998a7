// A host page server for tests that embed the widget the way a host team
// would: static files from a directory, a few generated pages, and the
// host's own token endpoint (proxying the sandbox's demo host, which holds
// the client secret). Served on 127.0.0.1:`port`, an origin the sandbox
// allows (test.sh passes E2E_PACKAGE_PORT to both).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import * as sandbox from './sandbox.mjs';

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * Starts serving `dir` on 127.0.0.1:`port`: `pages` maps paths to HTML,
 * `tokenPath` answers POST with a token from the sandbox's demo host, and
 * `/` is `pages['/']` or `index.html`. Every path asked for is pushed to
 * `served` (the caller may empty it). Resolves with the `http.Server`.
 */
export function startHostServer({ dir, port, tokenPath, pages = {}, served = [] }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    served.push(url.pathname);
    try {
      if (req.method === 'POST' && url.pathname === tokenPath) {
        const upstream = await fetch(`${sandbox.DEMO}/demo/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        res.writeHead(upstream.status, { 'content-type': 'application/json' });
        res.end(await upstream.text());
        return;
      }
      if (pages[url.pathname]) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(pages[url.pathname]);
        return;
      }
      const rel = url.pathname === '/' ? 'index.html' : path.normalize(url.pathname).replace(/^[/\\]+/, '');
      const file = path.join(dir, rel);
      if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(fs.readFileSync(file));
    } catch (e) {
      res.writeHead(502);
      res.end(String(e));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
