import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readSettings, Settings } from '../../cdk/settings';
import { CDK_JSON_CONTEXT } from './synth';

const read = (context: Record<string, unknown>) => readSettings(new App({ context }).node);

describe('Settings', () => {
  describe('readSettings', () => {
    it('falls back to the defaults cdk.json documents', () => {
      expect(read(CDK_JSON_CONTEXT)).toEqual(Settings.parse({}));
      expect(read({})).toMatchObject({
        stage: 'dev',
        allowedOrigins: ['*'],
        apiMemoryMb: 1024,
        indexerMemoryMb: 1024,
        indexerBatchSize: 5000,
        destroyOnRemoval: false,
        web: false,
      });
    });

    it('reads -c values, which always arrive as strings', () => {
      expect(
        read({
          stage: 'prod',
          allowedOrigins: 'https://timelines.example.org, http://localhost:5173',
          apiMemoryMb: '2048',
          searchCacheMb: '300',
          logRetentionDays: '90',
          destroyOnRemoval: 'true',
          web: 'false',
        }),
      ).toMatchObject({
        stage: 'prod',
        allowedOrigins: ['https://timelines.example.org', 'http://localhost:5173'],
        apiMemoryMb: 2048,
        searchCacheMb: 300,
        logRetentionDays: 90,
        destroyOnRemoval: true,
        web: false,
      });
    });

    it('reads JSON values from cdk.json', () => {
      expect(read({ allowedOrigins: ['https://a.example'], web: true, indexerBatchSize: 10 })).toMatchObject({
        allowedOrigins: ['https://a.example'],
        web: true,
        indexerBatchSize: 10,
      });
    });

    it.each([
      [{ stage: 'Prod' }, '-c stage: use lower-case letters, digits and dashes, starting with a letter (at most 20)'],
      [
        { allowedOrigins: 'https://a.example/' },
        '-c allowedOrigins.0: an origin is scheme://host[:port], without path or trailing slash',
      ],
      [{ web: 'yes' }, '-c web: expected true or false'],
      [{ apiTimeoutSeconds: '30' }, '-c apiTimeoutSeconds: Too big: expected number to be <=29'],
      [{ apiMemoryMb: 'lots' }, '-c apiMemoryMb: Invalid input: expected number, received NaN'],
    ])('rejects %j', (context, message) => {
      expect(() => read(context)).toThrow(`invalid CDK context: ${message}`);
    });

    it('rejects a log retention CloudWatch does not offer', () => {
      expect(() => read({ logRetentionDays: '13' })).toThrow(/^invalid CDK context: -c logRetentionDays: .*\b14\b/);
    });
  });
});
