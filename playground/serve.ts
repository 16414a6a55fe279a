/**
 * `npm start`: serves the playground on localhost (PORT, default 5173). Static files only:
 * the page, dist/, the samples and manifest.json.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
};
const routes = (dist: string): Array<[prefix: string, dir: string]> => [
  ['/dist/', dist],
  ['/samples/', join(ROOT, 'playground', 'samples')],
];

function resolvePath(url: string, dist: string): string | null {
  const path = decodeURIComponent(new URL(url, 'http://localhost').pathname);
  if (path === '/' || path === '/index.html') return join(ROOT, 'playground', 'index.html');
  if (path === '/manifest.json') return join(ROOT, 'manifest.json');
  for (const [prefix, dir] of routes(dist)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    return file.startsWith(dir) ? file : null;
  }
  return null;
}

/** `dist`: the build to serve as /dist/ (default dist/; browser tests may serve their own). */
export function startServer(port = 5173, host = '127.0.0.1', dist = join(ROOT, 'dist')): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = resolvePath(req.url ?? '/', dist);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolveStart({ url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${actual}/`, server });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!existsSync(join(ROOT, 'dist', 'code.js'))) {
    console.error('dist/ is missing: run `npm run build` first (npm start does).');
    process.exit(1);
  }
  const { url } = await startServer(Number(process.env.PORT) || 5173);
  console.log(`Manifold playground: ${url}  (data: hosting: ${url}?host=data)`);
}
