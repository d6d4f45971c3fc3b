import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient, createStreamsClient } from '../../lib/dynamo-client';

// An engine that accepts connections and never answers, as a wedged DynamoDB Local does.
let silent: Server;
const sockets: Socket[] = [];
let endpoint: string;

beforeAll(async () => {
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const address = silent.address();
  if (typeof address !== 'object' || !address) throw new Error('no address');
  endpoint = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

const config = () => ({ DYNAMODB_ENDPOINT: endpoint, AWS_REGION: 'us-east-1' });
const fast = { connectionMs: 500, idleMs: 300, maxAttempts: 2 };

describe('clients of a database that never answers', () => {
  it('the table client gives up after its idle timeout instead of hanging', async () => {
    const started = performance.now();
    await expect(createDynamoClient(config(), fast).send(new ListTablesCommand({}))).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('the Streams client gives up too, so a stream poller retries rather than waiting forever', async () => {
    const started = performance.now();
    await expect(createStreamsClient(config(), fast).send(new ListStreamsCommand({ TableName: 'any' }))).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
