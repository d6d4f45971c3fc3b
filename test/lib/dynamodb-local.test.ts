import { afterEach, describe, expect, it } from 'vitest';
import { assertJava, freePort } from '../../lib/dynamodb-local';

describe('dynamodb-local', () => {
  describe('assertJava', () => {
    const path = process.env.PATH;
    afterEach(() => {
      process.env.PATH = path;
    });

    it('passes when Java is installed', () => {
      expect(() => assertJava()).not.toThrow();
    });

    it('says in one line what to install when Java is missing', () => {
      process.env.PATH = '/nonexistent';
      expect(() => assertJava()).toThrow(
        'DynamoDB Local needs Java 17 or later: install it (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17), or set DYNAMODB_ENDPOINT to another DynamoDB.',
      );
    });
  });

  describe('freePort', () => {
    it('returns a port nobody listens on', async () => {
      const port = await freePort();
      expect(port).toBeGreaterThan(1024);
      await expect(fetch(`http://127.0.0.1:${port}`)).rejects.toThrow();
    });
  });
});
