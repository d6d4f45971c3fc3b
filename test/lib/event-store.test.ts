import { describe, expect, it } from 'vitest';
import { EventStore } from '../../lib/event-store';
import { EventInput } from '../../lib/event-schema';
import { testClient, testConfig, uniqueTimeline } from '../helpers/dynamo';

const config = testConfig();

/** A store on its own client, and the commands that client sent, by name. */
function countedStore() {
  const client = testClient();
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize' },
  );
  return { store: new EventStore(client, config.TABLE_NAME), sent, count: (name: string) => sent.filter((command) => command === name).length };
}

const input = (id: string, title = `Event ${id}`) => EventInput.parse({ id, date: '2022-06-01', title });
const ids = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => `e${String(from + i * step).padStart(4, '0')}`);

describe('EventStore.putMany', () => {
  it('finds what a batch of new ids replaces with one Query over their span, not a lookup per id', async () => {
    const timeline = uniqueTimeline('store');
    const { store, sent, count } = countedStore();
    const written = await store.putMany(timeline, ids(1, 250).map((id) => input(id)));
    expect(written.created).toHaveLength(250);
    expect(count('QueryCommand')).toBe(1);
    expect(count('BatchGetItemCommand')).toBe(0);

    sent.length = 0;
    const again = await store.putMany(timeline, ids(1, 250).map((id, i) => input(id, i % 2 ? `Edited ${id}` : `Event ${id}`)));
    expect(again.unchanged.map((event) => event.id)).toEqual(ids(1, 250, 2));
    expect(again.replaced.map((event) => event.id)).toEqual(ids(2, 250, 2));
    expect(again.replaced.every((event) => event.createdAt === written.created[0]!.createdAt)).toBe(true);
    expect(count('BatchGetItemCommand')).toBe(0);
  });

  it('reads a span holding more events than the batch only so far, and looks up the ids past it by key', async () => {
    const timeline = uniqueTimeline('store');
    const { store, sent, count } = countedStore();
    await store.putMany(timeline, ids(1, 900).map((id) => input(id)));
    sent.length = 0;
    // 30 ids spread over 900 stored events, a third of them new: the span's first 30 events cover only some.
    const batch = [...ids(10, 900, 45), ...ids(1001, 1010)];
    const written = await store.putMany(timeline, batch.map((id) => input(id, `Edited ${id}`)));
    expect(written.replaced.map((event) => event.id).sort()).toEqual(ids(10, 900, 45));
    expect(written.created.map((event) => event.id).sort()).toEqual(ids(1001, 1010));
    expect(count('QueryCommand')).toBeGreaterThan(0);
    expect(count('BatchGetItemCommand')).toBeGreaterThan(0);
    const stored = await store.get(timeline, 'e0865');
    expect(stored.title).toBe('Edited e0865');
  });
});
