import type { MiddlewareHandler } from 'hono';
import { problem } from './problem';

/** Request limits besides the body size, each answered with a 4xx problem+json before any work is done. */
export const REQUEST_LIMITS = {
  /** Longest URL, query string included (API Gateway and Node allow more; browsers and CDNs about this). */
  urlBytes: 8 * 1024,
  /** All header names and values together. */
  headerBytes: 8 * 1024,
  /** Deepest nesting of arrays and objects in a JSON body; a batch of events with sources needs 4. */
  jsonDepth: 20,
} as const;

/** Answers 414 to a URL and 431 to headers over the limits. */
export function sizeLimits(limits: Pick<typeof REQUEST_LIMITS, 'urlBytes' | 'headerBytes'> = REQUEST_LIMITS): MiddlewareHandler {
  return async (c, next) => {
    const urlBytes = Buffer.byteLength(c.req.url);
    if (urlBytes > limits.urlBytes) return problem(c, 414, 'URI too long', `the URL has ${urlBytes} bytes; at most ${limits.urlBytes} are accepted`);
    let headerBytes = 0;
    c.req.raw.headers.forEach((value, name) => (headerBytes += Buffer.byteLength(name) + Buffer.byteLength(value) + 4));
    if (headerBytes > limits.headerBytes) {
      return problem(c, 431, 'Request header fields too large', `the headers have ${headerBytes} bytes; at most ${limits.headerBytes} are accepted`);
    }
    await next();
  };
}

/**
 * Answers 400 to a JSON body nested deeper than the limit, before a parser or validator walks it;
 * the check is one pass over the text, without parsing it.
 */
export function jsonDepthLimit(maxDepth: number = REQUEST_LIMITS.jsonDepth): MiddlewareHandler {
  return async (c, next) => {
    // The same media types the body validator parses; it rejects the others itself.
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!JSON_MEDIA_TYPE.test(mediaType)) return next();
    const depth = jsonDepth(await c.req.text(), maxDepth);
    if (depth > maxDepth) return problem(c, 400, 'Bad request', `the JSON body is nested more than ${maxDepth} levels deep`);
    await next();
  };
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

/** The deepest nesting of arrays and objects in JSON text, counting no further than one past `stopAbove`. */
export function jsonDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i += 1;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_BRACKET || char === OPEN_BRACE) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) break;
    } else if (char === CLOSE_BRACKET || char === CLOSE_BRACE) depth -= 1;
  }
  return deepest;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
