// Requests Node's HTTP parser refuses before any route sees them (headers past its 16 KiB limit,
// a request line that is not HTTP, a request not sent in time) are answered in the same JSON
// error shape as every other refusal; Node's own answer is a bare status line with no body.
import { maxHeaderSize, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { GatewayError } from '../../core/errors.js';
import { errorBodyFor } from '../../dialects/error-bodies.js';

const openAIBody = errorBodyFor('openai');

/** The refusal for one parser error (Node's codes: HPE_* from llhttp, ERR_HTTP_REQUEST_TIMEOUT). */
function refusal(code: string | undefined): GatewayError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return new GatewayError(
      'invalid_request',
      `The request headers are too large: Loopgate reads at most ${Math.round(maxHeaderSize / 1024)} KiB of headers. Send fewer or shorter headers (a large cookie is the usual cause).`,
      { status: 431 },
    );
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return new GatewayError('timeout', "The request was not received in time: its headers and body must all arrive within the server's request timeout.", { status: 408 });
  }
  return new GatewayError('invalid_request', 'The request is not valid HTTP/1.1, so Loopgate could not read it.', { status: 400 });
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Node's own rule: answer only while nothing of a response has been written on the socket.
    const pending = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || pending?.headersSent) return void socket.destroy();
    const answer = refusal(error.code);
    const body = openAIBody(answer);
    const head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
    socket.end(head + body, () => socket.destroy());
  });
}
