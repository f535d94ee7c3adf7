import type { Plugin } from 'graphql-yoga';
import { refusal } from './request-hints.js';
import { ErrorCode } from '../errors.js';

const CONTENT_LENGTH = /^\d+$/;

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
      if (length === null && request.headers.has('transfer-encoding')) {
        endResponse(
          refusal(411, ErrorCode.InvalidRequest, 'Send a Content-Length: chunked request bodies are not accepted', {
            connection: 'close',
          }),
        );
      } else if (length === null || length === '0') {
        endResponse(
          refusal(
            400,
            ErrorCode.InvalidRequest,
            'The POST has no body: send JSON such as {"query":"{ __typename }"} with "Content-Type: application/json"',
          ),
        );
      } else if (!CONTENT_LENGTH.test(length)) {
        endResponse(refusal(400, ErrorCode.InvalidRequest, 'Content-Length is not a number of bytes'));
      } else if (Number(length) > maxBytes) {
        endResponse(refusal(413, ErrorCode.InvalidRequest, `Request body is larger than ${maxBytes} bytes`));
      }
    },
  };
}
