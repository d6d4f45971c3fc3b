import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { LambdaEvent } from 'hono/aws-lambda';

/** An API Gateway HTTP API (payload format 2.0) event, as Lambda receives it. */
export function httpApiEvent(method: string, path: string, options: { body?: unknown; query?: string; headers?: Record<string, string> } = {}): LambdaEvent {
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', 'content-type': 'application/json', ...options.headers },
    ...(options.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '21/Jun/2022:10:00:00 +0000',
      timeEpoch: 1655805600000,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
  };
  // Hono types `body` as `string | null` and requires an authorizer field; API Gateway omits both when unused, and Hono reads neither.
  return event as unknown as LambdaEvent;
}
