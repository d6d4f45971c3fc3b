import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { StaticSite } from '../../../cdk/constructs/static-site';

describe('StaticSite', () => {
  it('refuses a frontend folder that does not exist, naming it', () => {
    const missing = join(tmpdir(), 'timeline-search-no-such-web-dir');
    const stack = new Stack(new App(), 'Test');
    expect(() => new StaticSite(stack, 'Web', { sourceDir: missing })).toThrow(
      `the web frontend folder ${missing} does not exist: build the frontend first, or pass -c webDir=<folder>`,
    );
  });
});
