import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalId, synthesize, type Synthesized } from './synth';

const run = promisify(execFile);

/** Lambda takes 50 MB zipped; a cold start reads and parses every byte, so stay far below. */
// 3.5 MB: compromise (the article parser, about 300 KB) rides in the shared bundle; it loads on first use only.
const RAW_BUDGET = 3.5 * 1024 * 1024;
const ZIP_BUDGET = 1024 * 1024;

let synth: Synthesized;
let apiDir: string;
let indexerDir: string;

beforeAll(() => {
  // The template is checked elsewhere; only the bundles matter here.
  synth = synthesize({ validate: false });
  const { stack, template } = synth;
  const assetDir = (fn: Parameters<typeof logicalId>[0]) => {
    const key: string = template.toJSON().Resources[logicalId(fn)].Properties.Code.S3Key;
    return join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`);
  };
  apiDir = assetDir(stack.apiFunctions.reader);
  indexerDir = assetDir(stack.indexer.function);
}, 120_000);

afterAll(() => synth?.dispose());

describe('API bundle', () => {
  it('is one ES module and its source map, nothing else', () => {
    expect(readdirSync(apiDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
  });

  it('stays under the size budget', () => {
    const { raw, zipped } = sizeOf(apiDir);
    console.info(`API bundle: ${kb(raw)} unzipped, about ${kb(zipped)} zipped`);
    expect(raw).toBeLessThan(RAW_BUDGET);
    expect(zipped).toBeLessThan(ZIP_BUDGET);
  });

  it('carries the AWS SDK inside rather than relying on the runtime copy', () => {
    const code = readFileSync(join(apiDir, 'index.mjs'), 'utf8');
    expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
    expect(code).not.toMatch(/import\(\s*["']@aws-sdk\//);
    expect(code).toContain('GetSecretValue');
  });

  it('answers GET /health from a plain Node process, as Lambda would call it', async () => {
    const response = await invoke(join(apiDir, 'index.mjs'), healthEvent());
    expect(response).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });
});

describe('indexer bundle', () => {
  it('loads in a plain Node process and exports a handler', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        'const m = await import(process.argv[1]); process.stdout.write(typeof m.handler)',
        join(indexerDir, 'index.mjs'),
      ],
      { env: lambdaEnv(), timeout: 20_000 },
    );
    expect(stdout).toBe('function');
  });
});

/** Loads the bundle the way the Node.js runtime does (an ES module import) and calls its handler once. */
async function invoke(file: string, event: APIGatewayProxyEventV2): Promise<{ statusCode: number; body: string }> {
  const script = [
    'const { handler } = await import(process.argv[1]);',
    "const context = { awsRequestId: 'test', functionName: 'reader', getRemainingTimeInMillis: () => 10_000 };",
    'const response = await handler(JSON.parse(process.env.TEST_EVENT), context);',
    'process.stdout.write(JSON.stringify(response));',
  ].join('\n');
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, file], {
    env: { ...lambdaEnv(), TEST_EVENT: JSON.stringify(event) },
    timeout: 20_000,
  });
  return JSON.parse(stdout);
}

/** What Lambda would set, minus the secret: `API_KEYS` stands in so nothing calls Secrets Manager. */
function lambdaEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-for-a-test-that-never-reaches-aws',
    // Any DynamoDB call would fail fast on this closed port instead of reaching AWS.
    AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9',
    TABLE_NAME: 'timeline-search-bundle-test',
    API_KEYS: 'k',
  };
}

/** An API Gateway HTTP API (payload 2.0) request as the `$default` stage sends it. */
function healthEvent(): APIGatewayProxyEventV2 {
  const domainName = 'abc123.execute-api.us-east-1.amazonaws.com';
  return {
    version: '2.0',
    routeKey: 'GET /health',
    rawPath: '/health',
    rawQueryString: '',
    headers: { accept: 'application/json', host: domainName, 'user-agent': 'vitest' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName,
      domainPrefix: 'abc123',
      http: { method: 'GET', path: '/health', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: 'bundle-test',
      routeKey: 'GET /health',
      stage: '$default',
      time: '25/Nov/2025:18:00:00 +0000',
      timeEpoch: 1764093600000,
    },
    isBase64Encoded: false,
  };
}

/** Unzipped bytes, and roughly what the deployment zip weighs (deflate, as zip uses). */
function sizeOf(dir: string): { raw: number; zipped: number } {
  let raw = 0;
  let zipped = 0;
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    raw += statSync(file).size;
    zipped += deflateRawSync(readFileSync(file)).length;
  }
  return { raw, zipped };
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}
