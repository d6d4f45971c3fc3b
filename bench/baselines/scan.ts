import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EVENT_PREFIX, keys } from '../../lib/event-keys';
import type { BenchQuery } from '../queries';
import type { KeyBounds } from './fts5';

/** What one Scan search did. */
export interface ScanAnswer {
  total: number;
  pages: number;
  itemsScanned: number;
  /** False when the time budget ran out first: the time taken is then a lower bound. */
  complete: boolean;
}

/**
 * What most serverless projects do first: a `Scan` of the events table with `contains()` on title
 * and text for every word and the date-overlap condition, read to the end (every page) so that the
 * count is exact. `contains` is case-sensitive and matches substrings: it finds neither
 * "Missile" for "missile" nor stems, and finds "art" in "start"; it is the speed that matters here.
 */
export async function scanSearch(
  client: DynamoDBClient,
  tableName: string,
  timeline: string,
  query: BenchQuery,
  { fromKey, toKey }: KeyBounds,
  { maxPages = Infinity, maxMs = Infinity }: { maxPages?: number; maxMs?: number } = {},
): Promise<ScanAnswer> {
  const needles = query.phrase ? [query.words.join(' ')] : query.words;
  const names: Record<string, string> = { '#pk': 'pk', '#sk': 'sk', '#start': 'startKey', '#end': 'endKey', '#title': 'title', '#text': 'text' };
  const values: Record<string, AttributeValue> = {
    ':pk': { S: keys.timeline(timeline) },
    ':ev': { S: EVENT_PREFIX },
    ':from': { S: fromKey },
    ':to': { S: toKey },
  };
  const conditions = [
    '#pk = :pk',
    'begins_with(#sk, :ev)',
    // Overlap: the event starts before the range ends and ends after it starts.
    '#start <= :to',
    '#end >= :from',
  ];
  needles.forEach((needle, i) => {
    values[`:w${i}`] = { S: needle };
    conditions.push(`(contains(#title, :w${i}) OR contains(#text, :w${i}))`);
  });
  let total = 0;
  let pages = 0;
  let itemsScanned = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  const started = performance.now();
  do {
    const out = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
      }),
    );
    total += out.Count ?? 0;
    itemsScanned += out.ScannedCount ?? 0;
    pages += 1;
    startKey = out.LastEvaluatedKey;
  } while (startKey && pages < maxPages && performance.now() - started < maxMs);
  return { total, pages, itemsScanned, complete: !startKey };
}
