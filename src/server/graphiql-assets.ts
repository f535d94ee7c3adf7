import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';

/** Where GraphiQL's scripts, styles and icon are served; their names carry a content hash. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

interface Asset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Compressed bodies, made on first request (in zlib's thread pool) and kept. */
  encoded: Map<Encoding, Promise<Buffer>>;
}

type Encoding = 'br' | 'gzip';

interface GraphiQLBundle {
  js: string;
  css: string;
  favicon: string;
  editorWorkerService: string;
  jsonWorker: string;
  graphqlWorker: string;
}

const compress: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5: 9 MB in about 3 s of one thread-pool thread, 80% smaller; 11 would take minutes.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
};

/**
 * GraphiQL as yoga's render-graphiql ships it, but split: a small page that links its 9 MB of
 * scripts and styles as files named by their hash, compressed, and cached by browsers for good.
 * The assets load on first use (they weigh about 30 MB in memory).
 */
export class GraphiQLAssets {
  private loaded: Promise<{ assets: Map<string, Asset>; names: Record<keyof GraphiQLBundle, string> }> | undefined;

  /** The page for these options (rendered per request: it may carry a prefilled header). */
  async page(options: GraphiQLOptions): Promise<string> {
    const { names } = await this.load();
    const url = (name: string) => GRAPHIQL_ASSETS_PATH + names[name as keyof GraphiQLBundle];
    const workers = {
      editorWorkerService: url('editorWorkerService'),
      json: url('jsonWorker'),
      graphql: url('graphqlWorker'),
    };
    return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${url('favicon')}" />
    <link rel="stylesheet" href="${url('css')}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
    </script>
    <script src="${url('js')}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
  }

  /** Serves GET /graphiql/<name>-<hash>.<ext>: compressed when the client accepts it, cacheable forever. */
  plugin(): Plugin {
    return {
      onRequest: async ({ request, url, endResponse }) => {
        if (!url.pathname.startsWith(GRAPHIQL_ASSETS_PATH) || request.method !== 'GET') return;
        const { assets } = await this.load();
        const asset = assets.get(url.pathname.slice(GRAPHIQL_ASSETS_PATH.length));
        if (!asset) {
          endResponse(new Response('not found\n', { status: 404, statusText: 'Not Found' }));
          return;
        }
        const headers: Record<string, string> = {
          'content-type': asset.contentType,
          'cache-control': 'public, max-age=31536000, immutable',
          etag: asset.etag,
          vary: 'accept-encoding',
        };
        if (request.headers.get('if-none-match') === asset.etag) {
          endResponse(new Response(null, { status: 304, statusText: 'Not Modified', headers }));
          return;
        }
        const encoding = preferredEncoding(request.headers.get('accept-encoding'));
        let body = asset.body;
        if (encoding) {
          let encoded = asset.encoded.get(encoding);
          if (!encoded) {
            encoded = compress[encoding](asset.body);
            asset.encoded.set(encoding, encoded);
          }
          body = await encoded;
          headers['content-encoding'] = encoding;
        }
        endResponse(new Response(new Uint8Array(body), { status: 200, headers }));
      },
      onResponse: ({ response }) => {
        // The page itself is small and may carry a prefilled header: never kept by a cache.
        if (response.headers.get('content-type')?.startsWith('text/html'))
          response.headers.set('cache-control', 'no-store');
      },
    };
  }

  private load() {
    this.loaded ??= loadBundle().then((bundle) => {
      const assets = new Map<string, Asset>();
      const names = {} as Record<keyof GraphiQLBundle, string>;
      const add = (key: keyof GraphiQLBundle, file: string, contentType: string, body: Buffer) => {
        const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
        const [base, extension] = file.split('.');
        const name = `${base}-${hash}.${extension}`;
        names[key] = name;
        assets.set(name, { body, contentType, etag: `"${hash}"`, encoded: new Map() });
      };
      const script = 'text/javascript; charset=utf-8';
      add('js', 'graphiql.js', script, Buffer.from(bundle.js));
      add('css', 'graphiql.css', 'text/css; charset=utf-8', Buffer.from(bundle.css));
      add('editorWorkerService', 'editor-worker.js', script, Buffer.from(bundle.editorWorkerService));
      add('jsonWorker', 'json-worker.js', script, Buffer.from(bundle.jsonWorker));
      add('graphqlWorker', 'graphql-worker.js', script, Buffer.from(bundle.graphqlWorker));
      const icon = /^data:([^;,]+);base64,(.*)$/s.exec(bundle.favicon);
      add('favicon', 'favicon.ico', icon?.[1] ?? 'image/x-icon', Buffer.from(icon?.[2] ?? '', 'base64'));
      return { assets, names };
    });
    return this.loaded;
  }
}

/**
 * render-graphiql inlines these into its page and does not export them; they sit beside its
 * entry point (checked against the pinned version by the GraphiQL tests).
 */
async function loadBundle(): Promise<GraphiQLBundle> {
  const entry = createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql');
  return (await import(pathToFileURL(join(dirname(entry), 'graphiql.js')).href)) as GraphiQLBundle;
}

/** br, else gzip, when the client accepts it (a q of 0 refuses); undefined: send it as it is. */
export function preferredEncoding(acceptEncoding: string | null): Encoding | undefined {
  const accepted = new Set<string>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...parameters] = part.trim().toLowerCase().split(';');
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    if (name && !refused) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return undefined;
}

/** JSON that is safe inside an inline <script>: no "</script>" or "<!--" can close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}
