import { describe, expect, it, vi } from 'vitest';
import * as buffer from 'hono/utils/buffer';
import { ApiKeys } from '../../lib/api-keys';

// The real comparison, observed: how many comparisons a check makes is what could leak through timing.
vi.mock('hono/utils/buffer', async (importOriginal) => {
  const original = await importOriginal<typeof import('hono/utils/buffer')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});
const compare = vi.mocked(buffer.timingSafeEqual);

describe('ApiKeys.verify', () => {
  const keys = new ApiKeys(async () => ['alpha-key-1', 'bravo-key-2', 'charlie-key-3']);

  it.each([
    ['the first key', 'alpha-key-1', true],
    ['the last key', 'charlie-key-3', true],
    ['a prefix of a key', 'alpha-key', false],
    ['a wrong key of the same length', 'alpha-key-9', false],
    ['an empty token', '', false],
    ['a very long token', 'x'.repeat(10_000), false],
  ])('compares %s with every key in constant time (hashed, no early exit)', async (_, token, valid) => {
    compare.mockClear();
    expect(await keys.verify(token)).toBe(valid);
    expect(compare).toHaveBeenCalledTimes(3);
    expect(compare.mock.calls.map(([key]) => key)).toEqual(['alpha-key-1', 'bravo-key-2', 'charlie-key-3']);
  });

  it('loads the keys once, however many requests check them', async () => {
    const load = vi.fn(async () => ['only-key']);
    const once = new ApiKeys(load);
    await Promise.all(Array.from({ length: 5 }, () => once.verify('only-key')));
    expect(load).toHaveBeenCalledTimes(1);
  });
});
