import type { Plugin } from 'graphql-yoga';

const CONTENT_LENGTH = /^\d+$/;

function refuse(status: number, message: string, headers: Record<string, string> = {}): Response {
  const body = { errors: [{ message, extensions: { code: 'InvalidRequest' } }] };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * Refuses, before reading it, a POST body that does not declare its length (411: a chunked body
 * could stream on past the limit), declares it badly (400) or declares more than `maxBytes`
 * (413). Node's HTTP parser never reads past a declared Content-Length, so this replaces yoga's
 * own limit (`maxRequestBodySize`), which counts the bytes of every body through a stream.
 */
export function useBodyLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length === null) {
        endResponse(refuse(411, 'Send a Content-Length: chunked request bodies are not accepted', { connection: 'close' }));
      } else if (!CONTENT_LENGTH.test(length)) {
        endResponse(refuse(400, 'Content-Length is not a number of bytes'));
      } else if (Number(length) > maxBytes) {
        endResponse(refuse(413, `Request body is larger than ${maxBytes} bytes`));
      }
    },
  };
}
