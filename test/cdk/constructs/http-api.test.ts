import { describe, expect, it } from 'vitest';
import { READ_ROUTES, WRITE_ROUTES } from '../../../cdk/constructs/http-api';
import { createApp } from '../../../lib/app';
import { loadConfig } from '../../../lib/config';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

describe('TimelineHttpApi routes', () => {
  it('cover every operation the app documents, so none is unreachable behind API Gateway', () => {
    // Building the app creates a DynamoDB client but sends nothing.
    const app = createApp({ config: loadConfig({ TABLE_NAME: 'route-coverage', API_KEYS: 'k' }) });
    const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'routes', version: '1' } });
    const documented = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
      METHODS.filter((method) => item?.[method]).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const routed = [
      ...READ_ROUTES.map((path) => `GET ${path}`),
      ...WRITE_ROUTES.flatMap(({ path, methods }) => methods.map((method) => `${method} ${path}`)),
    ];
    expect(documented.length).toBeGreaterThan(0);
    expect(documented.filter((route) => !routed.includes(route))).toEqual([]);
  });

  it('send only GETs to the reader', () => {
    expect(WRITE_ROUTES.flatMap(({ methods }) => methods)).not.toContain('GET');
  });
});
