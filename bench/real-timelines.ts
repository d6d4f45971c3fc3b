import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { App } from '../lib/app';
import { SearchIndexer } from '../lib/search/indexer';
import { ShardStore } from '../lib/search/shard-store';
import { Fts5Baseline } from './baselines/fts5';
import type { BenchEvent } from './generator';
import { prepareEvents } from './ingest';
import { summarizeAll, summarizeBy, timeCases, type Summary } from './latency';
import { answerThroughApi, boundsOf, searchPath, searchThroughApi } from './ours';
import { buildQueries, documentFrequency } from './queries';

const DATA_DIR = fileURLToPath(new URL('../../shared/data/', import.meta.url));

/** Latency of one real timeline, ours against FTS5. */
export interface RealTimelineResult {
  name: string;
  description: string;
  events: number;
  first: string;
  last: string;
  /** Time to build and store its shards with SearchIndexer.rebuild. */
  indexMs: number;
  shards: number;
  queries: number;
  examples: string[];
  ours: { overall: Summary; byRange: Record<string, Summary>; byKind: Record<string, Summary> };
  fts5: { overall: Summary; byRange: Record<string, Summary>; byKind: Record<string, Summary> };
  totalsEqual: string;
}

/** Every real timeline found, and what was skipped. */
export interface RealTimelinesResult {
  timelines: RealTimelineResult[];
  skipped: string[];
}

/** Indexes the real timelines that are present, then times the same queries on ours and on FTS5. */
export async function runRealTimelines({
  app,
  client,
  indexTable,
  log,
  rounds,
}: {
  app: App;
  client: DynamoDBClient;
  indexTable: string;
  log: (message: string) => void;
  rounds: number;
}): Promise<RealTimelinesResult> {
  const sources = [
    {
      name: 'wikipedia-onthisday',
      path: `${DATA_DIR}wikipedia-onthisday-events/events.jsonl`,
      description: 'Wikipedia "On this day" events (CC BY-SA), one sentence each; duplicate rows of one event (one per location) merged; historical BC years converted to astronomical (-44 → -0043).',
      load: loadWikipedia,
    },
    {
      name: 'ukraine-cir',
      path: `${DATA_DIR}ukraine-war-cir-events/events.csv`,
      description: 'Russia-Ukraine war events of 2022 (CIR / Bellingcat map via mauforonda/ukraine; internal evaluation only): title without its date prefix, the brief description as text, the map layer as tag, town/district/province/country as places; rows without a date skipped.',
      load: loadUkraine,
    },
  ];
  const result: RealTimelinesResult = { timelines: [], skipped: [] };
  for (const source of sources) {
    if (!existsSync(source.path)) {
      result.skipped.push(`${source.name}: ${source.path} is absent`);
      continue;
    }
    const events = source.load(readFileSync(source.path, 'utf8'));
    const prepared = prepareEvents(source.name, events);
    // Indexed through the rebuild path (npm run reindex): the write path's speed is measured on the synthetic timeline.
    const started = performance.now();
    await new SearchIndexer(new ShardStore(client, indexTable)).rebuild(source.name, prepared.docs);
    const indexMs = performance.now() - started;
    const total = (JSON.parse(await searchThroughApi(app, `/v1/timelines/${source.name}/search?limit=1`)) as { total: number }).total;
    if (total !== events.length) throw new Error(`${source.name}: search counts ${total} events, ${events.length} were posted`);
    const manifest = await new ShardStore(client, indexTable).getManifest(source.name);
    const docs = events.map((event) => ({ title: event.title, text: event.text, start: typeof event.date === 'string' ? event.date : event.date.start }));
    const queries = buildQueries({ docs, docFrequency: documentFrequency(docs) }, 4, 11);
    const fts5 = Fts5Baseline.build(prepared.docs);
    const bounds = new Map(queries.map((query) => [query, boundsOf(query)]));
    let equal = 0;
    for (const query of queries) if ((await answerThroughApi(app, source.name, query)).total === fts5.search(query, bounds.get(query)!).total) equal += 1;
    const paths = new Map(queries.map((query) => [query, searchPath(source.name, query)]));
    const oursTimings = await timeCases(queries, rounds, (query) => searchThroughApi(app, paths.get(query)!));
    const ftsTimings = await timeCases(queries, rounds, (query) => fts5.search(query, bounds.get(query)!));
    fts5.close();
    const starts = docs.map((doc) => doc.start).sort((a, b) => sortable(a).localeCompare(sortable(b)));
    const figures = (timings: typeof oursTimings) => ({ overall: summarizeAll(timings), byRange: summarizeBy(timings, (query) => query.range), byKind: summarizeBy(timings, (query) => query.kind) });
    const entry: RealTimelineResult = {
      name: source.name,
      description: source.description,
      events: events.length,
      first: starts[0]!,
      last: starts.at(-1)!,
      indexMs,
      shards: Object.keys(manifest?.shards ?? {}).length,
      queries: queries.length,
      examples: queries.filter((query) => query.range === 'all').slice(0, 8).map((query) => query.q),
      ours: figures(oursTimings),
      fts5: figures(ftsTimings),
      totalsEqual: `${equal}/${queries.length}`,
    };
    result.timelines.push(entry);
    log(`${source.name}: ${events.length} events; ours p50 ${entry.ours.overall.p50.toFixed(2)} / p99 ${entry.ours.overall.p99.toFixed(2)} ms, FTS5 ${entry.fts5.overall.p50.toFixed(2)} / ${entry.fts5.overall.p99.toFixed(2)} ms`);
  }
  return result;
}

/** Wikipedia "On this day": one event per event_id; BC years (no year 0) become astronomical years. */
export function loadWikipedia(jsonl: string): BenchEvent[] {
  const seen = new Set<number>();
  const events: BenchEvent[] = [];
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { event_id: number; year: number; month: number; day: number; description: string };
    if (seen.has(row.event_id)) continue;
    seen.add(row.event_id);
    // Historical numbering has no year 0: 44 BC (-44) is astronomical year -43.
    const year = row.year < 0 ? row.year + 1 : row.year;
    const date = `${year < 0 ? '-' : ''}${String(Math.abs(year)).padStart(4, '0')}-${String(row.month).padStart(2, '0')}-${String(row.day).padStart(2, '0')}`;
    const text = row.description.trim();
    events.push({ id: `wp${row.event_id}`, date, title: shorten(text, 120), text, tags: [], places: [], people: [] });
  }
  return events;
}

/** The CIR events CSV (RFC 4180 quoting): rows without a valid date are skipped, ids made unique. */
export function loadUkraine(csv: string): BenchEvent[] {
  const [header, ...rows] = parseCsv(csv);
  const column = (name: string) => header!.indexOf(name);
  const [entry, date, group, title, brief, country, province, district, town] = ['entry', 'date', 'event_group', 'title', 'brief description', 'country', 'province', 'district', 'town/city'].map(column);
  const ids = new Set<string>();
  const events: BenchEvent[] = [];
  for (const row of rows) {
    const day = (row[date!] ?? '').trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
    let id = (row[entry!] ?? '').trim().replace(/[^A-Za-z0-9._~-]/g, '') || `row${events.length}`;
    while (ids.has(id)) id = `${id}-dup`;
    ids.add(id);
    const text = (row[brief!] ?? '').trim();
    const heading = (row[title!] ?? '').replace(/^\s*\d{1,2}\/\d{1,2}\/\d{2,4}\s*/, '').trim() || text || id;
    const places = [...new Set([town, district, province, country].map((i) => (row[i!] ?? '').trim()).filter((place) => place && place.length <= 200))];
    const tag = (row[group!] ?? '').trim();
    events.push({ id, date: day, title: shorten(heading, 300), text: text.slice(0, 20_000), tags: tag ? [tag.slice(0, 200)] : [], places, people: [] });
  }
  return events;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      if (row.some((cell) => cell !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

/** ISO dates with negative years do not sort as strings; this does. */
function sortable(date: string): string {
  const negative = date.startsWith('-');
  const year = Number(date.slice(0, negative ? 5 : 4));
  return `${String(year + 10_000).padStart(5, '0')}${date.slice(negative ? 5 : 4)}`;
}
