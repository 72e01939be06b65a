import { BenchError, ExitCode } from '../core/errors.js';

/**
 * A failed call to the Kubernetes API during a run. The message names the operation and the object
 * (`apply Deployment bench/web: …`) and carries the API server's own Status message, not client-node's
 * `HTTP-Code: … Headers: {…}` dump.
 */
export class KubeApiError extends BenchError {
  constructor(
    message: string,
    /** HTTP status code, when the API server answered. */
    readonly httpStatus?: number,
    options?: { cause?: unknown },
  ) {
    super(message, ExitCode.runFailed, options);
  }
}

/** client-node's ApiException, by shape (instanceof breaks if two copies of the library are loaded). */
interface ApiExceptionLike {
  code: number;
  body?: unknown;
}

export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    return (error as ApiExceptionLike).code;
  }
  return undefined;
}

export function isNotFound(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

/**
 * The API server's message from a response body: the `message` of a metav1.Status when the body is one, otherwise
 * the start of the body text.
 */
export function statusMessageOf(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return oneLine(body);
    }
  } else if (Buffer.isBuffer(body)) {
    return statusMessageOf(body.toString('utf8'));
  }
  if (typeof parsed === 'object' && parsed !== null && 'message' in parsed && typeof parsed.message === 'string') {
    return parsed.message;
  }
  return typeof body === 'string' ? oneLine(body) : undefined;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** `<what>: <API message> (HTTP <code>)`, or `<what>: <error message>` for failures without an HTTP answer. */
export function toKubeApiError(what: string, error: unknown): KubeApiError {
  // Already one (e.g. a call that ran out of retries): it names its operation.
  if (error instanceof KubeApiError) return error;
  const status = httpStatusOf(error);
  if (status !== undefined) {
    const body = (error as ApiExceptionLike).body;
    const message = statusMessageOf(body) ?? 'no message from the API server';
    return new KubeApiError(`${what}: ${message} (HTTP ${status})`, status, { cause: error });
  }
  return new KubeApiError(`${what}: ${messageOf(error)}`, undefined, { cause: error });
}

/** Error messages, including the websocket ErrorEvent (not an Error) that client-node's exec rejects with. */
function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}
