import { shouldRenderGraphiQL, type Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors.js';

/** The reason phrase of each status the gateway answers before GraphQL runs. */
export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  411: 'Length Required',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
};

/** A GraphQL-shaped refusal with its status and reason phrase. */
export function refusal(
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = { errors: [{ message, extensions: { code } }] };
  return new Response(JSON.stringify(body), {
    status,
    statusText: REASON_PHRASES[status] ?? '',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

const JSON_TYPE = /^application\/(graphql-response\+)?json\s*(;|$)/i;

/**
 * Requests that GraphQL over HTTP cannot run as sent get a message that says what to send: a
 * POST needs a JSON body and its content type; a GET needs the CSRF header (browsers cannot send
 * it cross-site without CORS' consent), unless it asks for GraphiQL. The CSRF plugin stays
 * behind this one as a second check.
 */
export function useRequestHints(graphqlEndpoint: string, csrfHeader: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== graphqlEndpoint) return;
      if (request.method === 'POST') {
        const type = request.headers.get('content-type');
        if (type && JSON_TYPE.test(type)) return;
        const got = type ? `got "${type.slice(0, 80)}"` : 'none was sent';
        endResponse(
          refusal(
            415,
            ErrorCode.InvalidRequest,
            `POST a JSON body with the header "Content-Type: application/json" (${got})`,
          ),
        );
      } else if (request.method === 'GET' && !request.headers.has(csrfHeader) && !shouldRenderGraphiQL(request)) {
        endResponse(
          refusal(
            403,
            ErrorCode.Forbidden,
            `A GET needs the header "${csrfHeader}: 1" (CSRF protection); ` +
              'or POST JSON with "Content-Type: application/json"',
          ),
        );
      }
    },
  };
}
