/**
 * Fault injection: which requests fail, and how each kind of failure is delivered.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { agileError, htmlAnswer, jsonAnswer, send } from './reply';
import type { FaultKind, FaultRoute } from './types';

/** Every provider call `emu.fault()` can break. */
export const FAULT_ROUTES: readonly FaultRoute[] = [
  'token',
  'refresh',
  'revoke',
  'current-user',
  'contacts',
];
/** Every fault `emu.fault()` can inject, e.g. to run a test once per fault. */
export const FAULT_KINDS: readonly FaultKind[] = [
  'hang',
  'reset',
  'reset-mid-body',
  'status-500',
  'quota',
  'rate-limit',
  'html',
  'truncated-json',
  'oversize',
  'split-utf8',
];

/** Body size of the `oversize` fault: twice the package's 1 MiB cap. */
export const OVERSIZE_BYTES = 2 * 1024 * 1024;
/** Agile CRM's wording when a plan's daily API quota is used up. */
export const QUOTA_MESSAGE = 'You have exceeded the 500 calls per/day limit of your plan';
/** Multi-byte text used by `split-utf8` where the answer would otherwise be plain ASCII. */
export const MULTIBYTE_NAME = 'Zoë 山田 🚀';

const BAD_GATEWAY_PAGE = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

/** The faults waiting per route, consumed in the order they were added. */
export class FaultQueue {
  readonly #queues = new Map<FaultRoute, { kind: FaultKind; remaining: number }[]>();

  /** Adds a fault; throws `TypeError` for an unknown route or kind or a bad `times`. */
  add(route: FaultRoute, kind: FaultKind, times = Infinity): void {
    if (!FAULT_ROUTES.includes(route))
      throw new TypeError(`fault(): unknown route "${String(route)}"`);
    if (!FAULT_KINDS.includes(kind)) throw new TypeError(`fault(): unknown kind "${String(kind)}"`);
    if (times !== Infinity && (!Number.isInteger(times) || times < 1)) {
      throw new TypeError('fault(): times must be a positive integer');
    }
    const queue = this.#queues.get(route) ?? [];
    queue.push({ kind, remaining: times });
    this.#queues.set(route, queue);
  }

  /** Removes every fault. */
  clear(): void {
    this.#queues.clear();
  }

  /** The fault for the next request of `route`, if any, counting it as used. */
  take(route: FaultRoute): FaultKind | undefined {
    const queue = this.#queues.get(route);
    const head = queue?.[0];
    if (queue === undefined || head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.kind;
  }
}

/**
 * Delivers `kind` instead of the real answer and returns `true`; returns `false` for
 * `split-utf8`, whose request is handled normally and only delivered in split chunks.
 * `sample` is a plausible body of the route, cut short by `truncated-json` and `reset-mid-body`.
 */
export function deliverFault(
  kind: FaultKind,
  req: IncomingMessage,
  res: ServerResponse,
  sample: string,
): boolean {
  switch (kind) {
    case 'split-utf8':
      return false;
    case 'hang':
      // Never answered; close() destroys the socket.
      return true;
    case 'reset':
      resetSocket(req);
      return true;
    case 'reset-mid-body': {
      const body = Buffer.from(sample, 'utf8');
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': String(body.length),
      });
      // The promised length never arrives: the connection ends after half of the body.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return true;
    }
    case 'status-500':
      send(res, agileError(500, 'Internal error'));
      return true;
    case 'quota':
      send(res, agileError(500, QUOTA_MESSAGE));
      return true;
    case 'rate-limit':
      send(res, agileError(429, 'Too many requests', { 'retry-after': '3' }));
      return true;
    case 'html':
      send(res, htmlAnswer(502, BAD_GATEWAY_PAGE));
      return true;
    case 'truncated-json':
      send(res, { ...jsonAnswer(200, null), body: sample.slice(0, Math.floor(sample.length / 2)) });
      return true;
    case 'oversize':
      send(res, { ...jsonAnswer(200, null), body: oversizeBody() });
      return true;
  }
}

function resetSocket(req: IncomingMessage): void {
  try {
    // A TCP RST, as from a crashed upstream, rather than an orderly close.
    req.socket.resetAndDestroy();
  } catch {
    req.socket.destroy();
  }
}

function oversizeBody(): Buffer {
  const prefix = '{"padding":"';
  const suffix = '"}';
  const body = Buffer.alloc(OVERSIZE_BYTES, 'x');
  body.write(prefix, 0);
  body.write(suffix, OVERSIZE_BYTES - suffix.length);
  return body;
}
