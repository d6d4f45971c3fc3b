import { describe, expect, it } from 'vitest';
import { EMPTY_STATE, readState, searchParams, toggleFilter, withRange, writeState } from '../../web/src/state';

describe('page state', () => {
  describe('readState', () => {
    it('reads a shared search, with repeated filters', () => {
      expect(readState('?timeline=world-history&q=%22grain+deal%22&from=44+BC&to=June%202022&tag=war&tag=grain&place=Odesa&person=Julius%20Caesar&sort=-date')).toEqual({
        timeline: 'world-history',
        q: '"grain deal"',
        from: '44 BC',
        to: 'June 2022',
        tag: ['war', 'grain'],
        place: ['Odesa'],
        person: ['Julius Caesar'],
        sort: '-date',
      });
    });

    it('reads an empty query string as the empty state', () => {
      expect(readState('')).toEqual(EMPTY_STATE);
    });

    it('drops an unknown sort, blank and repeated filters', () => {
      expect(readState('?sort=random&tag=&tag=war&tag=war&tag=%20')).toEqual({ ...EMPTY_STATE, tag: ['war'] });
    });
  });

  describe('writeState', () => {
    it('leaves out what is empty', () => {
      expect(writeState({ ...EMPTY_STATE, timeline: 'world-history', q: 'sarmat' })).toBe('?timeline=world-history&q=sarmat');
      expect(writeState(EMPTY_STATE)).toBe('');
    });

    it('round-trips through readState', () => {
      const state = { timeline: 't', q: 'a OR b', from: '-0043-03-15', to: '3rd century BC', tag: ['x&y', 'z'], place: ['Rome'], person: [], sort: 'date' as const };
      expect(readState(writeState(state))).toEqual(state);
    });
  });

  describe('toggleFilter', () => {
    it('adds a filter, and removes it when it is on', () => {
      const on = toggleFilter(EMPTY_STATE, 'tag', 'war');
      expect(on.tag).toEqual(['war']);
      expect(toggleFilter(on, 'tag', 'war').tag).toEqual([]);
      expect(toggleFilter(on, 'place', 'Rome')).toMatchObject({ tag: ['war'], place: ['Rome'] });
    });
  });

  describe('withRange', () => {
    it('sets both ends of the range', () => {
      expect(withRange({ ...EMPTY_STATE, from: '1900' }, { from: '2022-06', to: '2022-06' })).toMatchObject({ from: '2022-06', to: '2022-06' });
    });
  });

  describe('searchParams', () => {
    it('gives the client the search, empty range and sort left to the API', () => {
      expect(searchParams({ ...EMPTY_STATE, timeline: 't', q: 'sarmat', tag: ['war'] })).toEqual({ q: 'sarmat', tag: ['war'], place: [], person: [] });
      expect(searchParams({ ...EMPTY_STATE, from: '44 BC', to: 'AD 33', sort: '-date' })).toMatchObject({ from: '44 BC', to: 'AD 33', sort: '-date' });
    });
  });
});
