/**
 * The one wrapper every client event goes through: separate the ack, validate the payload, run,
 * answer. Expected failures answer their code; anything else is logged and answers INTERNAL_ERROR.
 * No handler can throw into Socket.IO or leave a client without an answer.
 */
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { AppError, ErrorCode, isAppError } from '../errors.js';
import { errorText } from '../shared/codes.js';
import type { AckError, AckResponse } from '../shared/protocol.js';
import type { ChatSocket } from './types.js';

type Handler<P, R extends object> = (payload: P) => Promise<R>;

export function bindHandler<P, R extends object>(
  socket: ChatSocket,
  logger: () => Logger,
  event: string,
  schema: ZodType<P>,
  handler: Handler<P, R>,
): void {
  // Socket.IO's typed `on` cannot express "any arguments"; the wrapper checks them itself.
  (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(event, (...args) => {
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (res: AckResponse<R>) => void) : undefined;
    void run(args).then((response) => {
      if (ack) ack(response);
      else if (!response.ok) {
        const { ok: _ok, ...error } = response;
        socket.emit('error', error);
      }
    });
  });

  async function run(args: unknown[]): Promise<AckResponse<R>> {
    try {
      const parsed = args.length <= 1 ? schema.safeParse(args[0]) : undefined;
      if (!parsed?.success) throw new AppError(ErrorCode.INVALID_PAYLOAD);
      const result = await handler(parsed.data);
      return { ok: true, ...result };
    } catch (error) {
      return failure(error);
    }
  }

  function failure(error: unknown): AckError {
    const code = isAppError(error) ? error.code : ErrorCode.INTERNAL_ERROR;
    if (!isAppError(error)) logger().error({ err: error, event }, 'handler failed');
    else if (error.cause) logger().warn({ err: error.cause, event, code }, 'handler refused');
    const response: AckError = { ok: false, code, message: errorText[socket.data.lang][code] };
    if (isAppError(error) && error.retryAfterMs !== undefined) response.retry_after_ms = error.retryAfterMs;
    return response;
  }
}
