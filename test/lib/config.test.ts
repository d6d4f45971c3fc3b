import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';

describe('config', () => {
  describe('loadConfig', () => {
    it('gives every variable a default that makes a local run work', () => {
      expect(loadConfig({})).toStrictEqual({
        PORT: 3000,
        AWS_REGION: 'us-east-1',
        TABLE_NAME: 'timeline-search',
        INDEX_TABLE_NAME: 'timeline-search-index',
        API_KEYS: [],
        CORS_ORIGINS: ['*'],
        SEARCH_MANIFEST_TTL_MS: 1000,
        SEARCH_CACHE_MB: 32,
        LOG_LEVEL: 'info',
      });
    });

    it('leaves DYNAMODB_ENDPOINT and API_KEYS_SECRET_ARN unset when they are not given, meaning real AWS', () => {
      const config = loadConfig({});
      expect(config).not.toHaveProperty('DYNAMODB_ENDPOINT');
      expect(config).not.toHaveProperty('API_KEYS_SECRET_ARN');
    });

    it('reads every variable that is given', () => {
      expect(
        loadConfig({
          PORT: '8080',
          DYNAMODB_ENDPOINT: 'http://localhost:8000',
          AWS_REGION: 'eu-west-1',
          TABLE_NAME: 'events',
          INDEX_TABLE_NAME: 'search',
          API_KEYS: 'k1',
          API_KEYS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keys',
          CORS_ORIGINS: 'https://example.org',
          SEARCH_MANIFEST_TTL_MS: '250',
          SEARCH_CACHE_MB: '256',
          LOG_LEVEL: 'debug',
        }),
      ).toStrictEqual({
        PORT: 8080,
        DYNAMODB_ENDPOINT: 'http://localhost:8000',
        AWS_REGION: 'eu-west-1',
        TABLE_NAME: 'events',
        INDEX_TABLE_NAME: 'search',
        API_KEYS: ['k1'],
        API_KEYS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:keys',
        CORS_ORIGINS: ['https://example.org'],
        SEARCH_MANIFEST_TTL_MS: 250,
        SEARCH_CACHE_MB: 256,
        LOG_LEVEL: 'debug',
      });
    });

    it('names the index table after the events table unless told otherwise', () => {
      expect(loadConfig({ TABLE_NAME: 'news' }).INDEX_TABLE_NAME).toBe('news-index');
    });

    it('ignores variables it does not know', () => {
      expect(loadConfig({ HOME: '/root', PATH: '/usr/bin' })).toStrictEqual(loadConfig({}));
    });

    it.each<[string, string[]]>([
      ['a', ['a']],
      ['a,b,c', ['a', 'b', 'c']],
      [' a , b ,c ', ['a', 'b', 'c']],
      ['a,,b,', ['a', 'b']],
      ['', []],
      [' , ,', []],
    ])('reads API_KEYS "%s" as a trimmed list without empty items', (value, keys) => {
      expect(loadConfig({ API_KEYS: value }).API_KEYS).toStrictEqual(keys);
    });

    it.each<[string, string[]]>([
      ['https://a.example', ['https://a.example']],
      ['https://a.example, https://b.example', ['https://a.example', 'https://b.example']],
      ['*', ['*']],
    ])('reads CORS_ORIGINS "%s" as a list', (value, origins) => {
      expect(loadConfig({ CORS_ORIGINS: value }).CORS_ORIGINS).toStrictEqual(origins);
    });

    it.each(['', ' ', ',', ' , '])('allows any origin when CORS_ORIGINS is "%s", as when it is unset', (value) => {
      expect(loadConfig({ CORS_ORIGINS: value }).CORS_ORIGINS).toStrictEqual(['*']);
    });

    it.each([
      ['1', 1],
      ['65535', 65535],
      [' 3001 ', 3001],
    ])('reads PORT "%s" as the number %i', (value, port) => {
      expect(loadConfig({ PORT: value }).PORT).toBe(port);
    });

    it.each(['abc', '0', '65536', '-1', '80.5'])('rejects PORT "%s", naming the variable', (value) => {
      expect(() => loadConfig({ PORT: value })).toThrow(/^invalid configuration: PORT: \S/);
    });

    it.each(['not a url', 'http://', '8000'])('rejects DYNAMODB_ENDPOINT "%s", naming the variable', (value) => {
      expect(() => loadConfig({ DYNAMODB_ENDPOINT: value })).toThrow(/^invalid configuration: DYNAMODB_ENDPOINT: \S/);
    });

    // `new URL('localhost:8000')` reads "localhost:" as a scheme, so a bare host:port passes as a URL the SDK cannot use.
    it('rejects a DYNAMODB_ENDPOINT without an http or https scheme such as "localhost:8000"', () => {
      expect(() => loadConfig({ DYNAMODB_ENDPOINT: 'localhost:8000' })).toThrow(/^invalid configuration: DYNAMODB_ENDPOINT: \S/);
    });

    it.each([
      ['LOG_LEVEL', 'loud'],
      ['TABLE_NAME', 'ab'],
      ['TABLE_NAME', 'x'.repeat(256)],
    ])('rejects %s "%s", naming the variable', (name, value) => {
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}: \\S`));
    });

    it('names every bad variable in one message', () => {
      expect(() => loadConfig({ PORT: 'abc', DYNAMODB_ENDPOINT: 'nope' })).toThrow(
        /^invalid configuration: PORT: [^;]+; DYNAMODB_ENDPOINT: [^;]+$/,
      );
    });
  });
});
