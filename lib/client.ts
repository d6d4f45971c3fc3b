/**
 * Typed client of the timeline-search API for browsers and Node: search, browse, one event, the
 * timeline list and the TimelineJS export. It imports only types from the server's zod schemas, so a
 * browser bundle of it holds this file alone (no zod, no server code).
 *
 * @example
 * const api = createClient({ baseUrl: 'https://api.example.com' });
 * const result = await api.search('world-history', { q: 'sarmat', from: 'June 2022' });
 * result.hits.map((hit) => `${hit.date.display}: ${hit.title}`);
 */
import type { Interval, Precision } from './dates';
import type { TimelineEvent } from './event-schema';
import type { Histogram } from './search/aggregations';
import type { SearchQuery, SearchResult } from './search/search-schema';
import type { TimelineJsDocument } from './timelinejs';

export type { TimelineEvent } from './event-schema';
export type { Facets, Histogram } from './search/aggregations';
export type { SearchHit, SearchResult } from './search/search-schema';
export type { TimelineJsDocument } from './timelinejs';

/** Parameters of a search; every one optional, repeatable filters as arrays. */
export type SearchParams = Partial<SearchQuery>;

/** Parameters of the TimelineJS export: the search's words, range and filters, and how many events. */
export type TimelineJsParams = Pick<SearchParams, 'q' | 'from' | 'to' | 'tag' | 'place' | 'person'> & { limit?: number };

/** Parameters of a chronological listing (`GET /v1/timelines/{timeline}/events`). */
export interface BrowseParams {
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
  order?: 'asc' | 'desc';
}

/** A page of a chronological listing. */
export interface EventPage {
  events: TimelineEvent[];
  nextCursor?: string;
}

/** A timeline as `GET /v1/timelines` lists it. */
export interface TimelineSummary {
  name: string;
  events: number;
  /** Earliest start date (ISO, astronomical years). */
  first?: string;
  /** Latest end date. */
  last?: string;
  shards: number;
}

/** One histogram bucket as the search answers it (`start`/`end` are sort keys). */
export type HistogramBucket = Histogram['buckets'][number];

/** What the client is built from. */
export interface ClientOptions {
  /** Where the API is, like `https://api.example.com`; empty (the default) for the page's own origin. */
  readonly baseUrl?: string;
  /** The fetch to use (tests pass an app's own); the global fetch by default. */
  readonly fetch?: (input: string, init?: RequestInit) => Promise<Response>;
}

/** Per-request options. */
export interface RequestOptions {
  /** Aborts the request, as when a newer search replaces it. */
  readonly signal?: AbortSignal;
}

/** An answer that was not a success: the API's problem+json (RFC 9457) `detail` is the message. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    /** The HTTP status. */
    readonly status: number,
    message: string,
    /** Fields the API named as invalid, when it did. */
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Builds a client. */
export function createClient(options: ClientOptions = {}): TimelineSearchClient {
  return new TimelineSearchClient(options);
}

/** Reads the API; every method answers the parsed JSON or throws an {@link ApiError}. */
export class TimelineSearchClient {
  private readonly baseUrl: string;
  private readonly fetch: (input: string, init?: RequestInit) => Promise<Response>;

  constructor(options: ClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    // A bare reference to window.fetch loses its `this` in some browsers.
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** The timelines with their event counts and first and last dates. */
  async timelines(options: RequestOptions = {}): Promise<TimelineSummary[]> {
    return (await this.get<{ timelines: TimelineSummary[] }>(`${this.baseUrl}/v1/timelines`, options)).timelines;
  }

  /** One page of a search: hits, facets and histogram over all matches, `nextCursor` for the next page. */
  search(timeline: string, params: SearchParams = {}, options: RequestOptions = {}): Promise<SearchResult> {
    return this.get(this.searchUrl(timeline, params), options);
  }

  /** Every page of a search, following `nextCursor`, until there is none or `maxPages` were read. */
  async *searchPages(timeline: string, params: SearchParams = {}, { maxPages = Infinity, ...options }: RequestOptions & { maxPages?: number } = {}): AsyncGenerator<SearchResult> {
    let cursor = params.cursor;
    for (let page = 0; page < maxPages; page += 1) {
      const result = await this.search(timeline, { ...params, cursor }, options);
      yield result;
      cursor = result.nextCursor;
      if (!cursor) return;
    }
  }

  /** Events whose date overlaps a range, in chronological order. */
  browse(timeline: string, params: BrowseParams = {}, options: RequestOptions = {}): Promise<EventPage> {
    return this.get(`${this.baseUrl}${timelinePath(timeline)}/events${queryString({ ...params })}`, options);
  }

  /** One event by id. */
  getEvent(timeline: string, id: string, options: RequestOptions = {}): Promise<TimelineEvent> {
    return this.get(`${this.baseUrl}${timelinePath(timeline)}/events/${encodeURIComponent(id)}`, options);
  }

  /** The matches of a search as a TimelineJS document. */
  timelineJs(timeline: string, params: TimelineJsParams = {}, options: RequestOptions = {}): Promise<TimelineJsDocument> {
    return this.get(this.timelineJsUrl(timeline, params), options);
  }

  /** The URL of a search (relative when the client has no base URL). */
  searchUrl(timeline: string, params: SearchParams = {}): string {
    return `${this.baseUrl}${timelinePath(timeline)}/search${queryString({ ...params })}`;
  }

  /** The URL of the TimelineJS export of a search, to hand to {@link timelineJsEmbedUrl} once absolute. */
  timelineJsUrl(timeline: string, params: TimelineJsParams = {}): string {
    const { q, from, to, tag, place, person, limit } = params;
    return `${this.baseUrl}${timelinePath(timeline)}/timelinejs${queryString({ q, from, to, tag, place, person, limit })}`;
  }

  private async get<T>(url: string, options: RequestOptions): Promise<T> {
    const response = await this.fetch(url, { headers: { accept: 'application/json' }, ...(options.signal ? { signal: options.signal } : {}) });
    const text = await response.text();
    const body: unknown = text ? parseJson(text) : undefined;
    if (!response.ok) {
      const problem = (typeof body === 'object' && body !== null ? body : {}) as { detail?: unknown; errors?: unknown };
      const detail = typeof problem.detail === 'string' ? problem.detail : `${response.status} ${response.statusText || 'error'} from ${url}`;
      const errors = Array.isArray(problem.errors) ? (problem.errors as { path: string; message: string }[]) : [];
      throw new ApiError(response.status, detail, errors);
    }
    return body as T;
  }
}

/**
 * An ISO date (astronomical years) of a sort key, cut to a precision: the API's histogram buckets
 * carry sort keys, and `from`/`to` read ISO.
 *
 * @example isoFromSortKey('12022-06-01T00:00:00') // '2022-06-01'
 * @example isoFromSortKey('09957-03-15T00:00:00', 'year') // '-0043' (44 BC)
 */
export function isoFromSortKey(key: string, precision: Precision = 'day'): string {
  const m = /^(\d{5})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2}$/.exec(key);
  if (!m) throw new Error(`"${key}" is not a sort key like "12022-06-21T00:00:00"`);
  const year = Number(m[1]) - 10_000;
  const yearText = `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}`;
  if (precision === 'year') return yearText;
  if (precision === 'month') return `${yearText}-${m[2]}`;
  return `${yearText}-${m[2]}-${m[3]}`;
}

/**
 * The `from`/`to` that narrow a search to one histogram bucket, written as coarsely as the bucket
 * allows (`to` reaches the end of the period it names): a month bucket gives `2022-06`, a decade `1990`–`1999`.
 *
 * @example bucketRange({ start: '12022-06-01T00:00:00', end: '12022-06-30T23:59:59' }, 'month') // { from: '2022-06', to: '2022-06' }
 */
export function bucketRange(bucket: Pick<HistogramBucket, 'start' | 'end'>, interval: Interval | Precision): { from: string; to: string } {
  const precision: Precision = interval === 'day' || interval === 'week' ? 'day' : interval === 'month' ? 'month' : 'year';
  return { from: isoFromSortKey(bucket.start, precision), to: isoFromSortKey(bucket.end, precision) };
}

/** A run of highlighted text: plain text, marked or not. */
export interface HighlightPart {
  text: string;
  mark: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * Reads the API's `titleHtml`/`snippet` (HTML-escaped text with only `<mark>` added) into plain-text
 * parts, so a page can render them with text nodes and `<mark>` elements, never as HTML. Anything else
 * that looks like markup makes the whole string one unmarked part, shown as the characters it is.
 *
 * @example highlightParts('a <mark>b</mark> &amp; c') // [{ text: 'a ', mark: false }, { text: 'b', mark: true }, { text: ' & c', mark: false }]
 */
export function highlightParts(html: string): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let marked = false;
  for (const piece of html.split(/(<\/?mark>)/)) {
    if (piece === '<mark>' || piece === '</mark>') {
      // Nested or unbalanced marks are not what the API writes.
      if (marked === (piece === '<mark>')) return [{ text: html, mark: false }];
      marked = !marked;
      continue;
    }
    if (/[<>]/.test(piece)) return [{ text: html, mark: false }];
    if (piece) parts.push({ text: piece.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!), mark: marked });
  }
  return marked ? [{ text: html, mark: false }] : parts;
}

/** Knight Lab's hosted TimelineJS embed page. */
export const TIMELINEJS_EMBED = 'https://cdn.knightlab.com/libs/timeline3/latest/embed/index.html';

/**
 * The TimelineJS embed page showing a document from an absolute URL (an iframe `src` or a link).
 *
 * @example timelineJsEmbedUrl('https://api.example.com/v1/timelines/world-history/timelinejs?q=sarmat')
 */
export function timelineJsEmbedUrl(sourceUrl: string): string {
  return `${TIMELINEJS_EMBED}?source=${encodeURIComponent(sourceUrl)}`;
}

function timelinePath(timeline: string): string {
  return `/v1/timelines/${encodeURIComponent(timeline)}`;
}

/** `?a=1&tag=x&tag=y`, leaving out empty values; '' when nothing is set. */
function queryString(params: Record<string, string | number | readonly string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) for (const item of value) search.append(key, item);
    else if (value !== undefined && value !== '') search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
