import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does to a request a rule matches. */
export type Fault =
  /** Answers 400 ProvisionedThroughputExceededException, as DynamoDB does when a partition is throttled. */
  | { kind: 'throttle' }
  /** Answers a 5xx with DynamoDB's error body for it. */
  | { kind: 'status'; status: 500 | 503 }
  /** Holds the request; when the client gives up first it is never forwarded, as if DynamoDB had hung. */
  | { kind: 'delay'; ms: number }
  /** Forwards the request (DynamoDB applies it), runs `after` (a test may crash the server there), then cuts the connection: the answer is lost. */
  | { kind: 'drop-response'; after?: () => Promise<void> }
  /** BatchWriteItem: forwards the first half of the items and answers the rest as UnprocessedItems. */
  | { kind: 'unprocessed' }
  /** Answers 200 with a body no SDK can read. */
  | { kind: 'garbage' };

/** Which requests a fault applies to, and how often. */
export interface FaultRule {
  /** DynamoDB operation (`BatchWriteItem`, `UpdateItem`, …); any operation when omitted. */
  readonly operation?: string;
  /** Narrows the rule by the request body (for instance to one timeline's items). */
  readonly match?: (body: DynamoRequestBody) => boolean;
  readonly fault: Fault;
  /** How many matching requests get the fault; every one when omitted. */
  readonly times?: number;
}

/** The JSON body of a DynamoDB request, loosely typed: the proxy only looks into it. */
export type DynamoRequestBody = Record<string, any>;

/** A running rule: how many requests it hit so far. */
export interface ActiveRule {
  readonly hits: number;
}

/** A fault-injecting HTTP proxy in front of a DynamoDB endpoint. */
export interface FaultProxy {
  readonly endpoint: string;
  /** Operations forwarded or faulted, in arrival order. */
  readonly seen: string[];
  inject(rule: FaultRule): ActiveRule;
  /** Removes every rule: requests pass through untouched again. */
  clear(): void;
  close(): Promise<void>;
}

const ERROR_TYPES = {
  throttle: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
  500: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
  503: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable',
} as const;

/**
 * Starts a proxy that forwards DynamoDB's JSON protocol to `target` and applies the first matching rule
 * to each request, so faults hit the real client, retries and all (DynamoDB Local checks no signatures,
 * which lets the proxy rewrite a batch).
 *
 * @example
 * const proxy = await startFaultProxy(endpoint);
 * const rule = proxy.inject({ operation: 'BatchWriteItem', fault: { kind: 'throttle' }, times: 2 });
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules: { rule: FaultRule; hits: number }[] = [];
  const seen: string[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(Buffer.from(chunk));
    const raw = Buffer.concat(chunks);
    const operation = String(request.headers['x-amz-target'] ?? '').split('.').at(-1) ?? '';
    seen.push(operation);
    const body = parseBody(raw);
    const active = rules.find(
      ({ rule, hits }) => (rule.times === undefined || hits < rule.times) && (!rule.operation || rule.operation === operation) && (rule.match?.(body) ?? true),
    );
    const forward = (payload: Buffer<ArrayBuffer> | string = raw) =>
      fetch(new URL(request.url ?? '/', target), { method: request.method, headers: forwardable(request.headers), body: payload });
    try {
      if (!active) return await relay(response, await forward());
      active.hits += 1;
      const fault = active.rule.fault;
      switch (fault.kind) {
        case 'throttle':
          return answer(response, 400, { __type: ERROR_TYPES.throttle, message: 'The level of configured provisioned throughput for the table was exceeded (injected)' });
        case 'status':
          return answer(response, fault.status, { __type: ERROR_TYPES[fault.status], message: `injected ${fault.status}` });
        case 'garbage':
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
          return response.end('<html>not json</html>');
        case 'delay': {
          const gone = await closedWithin(response, fault.ms);
          if (!gone) await relay(response, await forward());
          return;
        }
        case 'drop-response':
          await (await forward()).arrayBuffer();
          await fault.after?.();
          request.socket.destroy();
          return;
        case 'unprocessed': {
          const [table, items] = Object.entries(body.RequestItems ?? {})[0] as [string, unknown[]];
          const kept = items.slice(0, Math.floor(items.length / 2));
          if (kept.length) await (await forward(JSON.stringify({ ...body, RequestItems: { [table]: kept } }))).arrayBuffer();
          return answer(response, 200, { UnprocessedItems: { [table]: items.slice(kept.length) } });
        }
      }
    } catch {
      // The target is down (a test killed it): the client sees a dropped connection, as it would without the proxy.
      request.socket.destroy();
    }
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    inject(rule) {
      const entry = { rule, hits: 0 };
      rules.push(entry);
      return {
        get hits() {
          return entry.hits;
        },
      };
    },
    clear: () => void rules.splice(0),
    close: async () => {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    },
  };
}

async function relay(response: ServerResponse, upstream: Response): Promise<void> {
  // The checksum header is left out: a rewritten body would not match it.
  response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/x-amz-json-1.0' });
  response.end(Buffer.from(await upstream.arrayBuffer()));
}

function answer(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(body));
}

/** Waits `ms`, resolving early with true when the client closes the connection. */
function closedWithin(response: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    response.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function parseBody(raw: Buffer): DynamoRequestBody {
  try {
    return JSON.parse(raw.toString('utf8')) as DynamoRequestBody;
  } catch {
    return {};
  }
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string> {
  const hopByHop = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && !hopByHop.has(entry[0])),
  );
}
