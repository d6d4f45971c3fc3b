import { describe, expect, it } from 'vitest';
import { MAX_SORT_KEY, MIN_SORT_KEY } from '../../../lib/dates';
import { BadRequestError } from '../../../lib/errors';
import { searchRange, type KeyRange } from '../../../lib/search/date-range';
import type { DateOperator } from '../../../lib/search/query-parser';

const HELP = 'use 2022, 2022-06, 2022-06-21, -0043, 44 BC, June 2022, 1990s or 3rd century BC';
const EMPTY = 'the date range is empty: its start comes after its end';

const before = (value: string): DateOperator => ({ op: 'before', value });
const after = (value: string): DateOperator => ({ op: 'after', value });
const during = (value: string): DateOperator => ({ op: 'during', value });

/** The range as [fromKey, toKey], which reads well in a table. */
const keys = (range: KeyRange) => [range.fromKey, range.toKey];

/** The error searchRange throws, failing the test when it throws none. */
function rangeError(from: string | undefined, to: string | undefined, operators: DateOperator[]): Error {
  try {
    searchRange(from, to, operators);
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error('expected the range to be rejected');
}

describe('date-range', () => {
  describe('searchRange', () => {
    it('covers every supported date, open at both ends, when nothing narrows it', () => {
      expect(searchRange(undefined, undefined, [])).toStrictEqual({
        fromKey: MIN_SORT_KEY,
        toKey: MAX_SORT_KEY,
        open: { from: true, to: true },
      });
    });

    it('treats an empty from or to as unset', () => {
      expect(searchRange('', '', [])).toStrictEqual(searchRange(undefined, undefined, []));
    });

    it.each<[string, string]>([
      ['2022', '12022-01-01T00:00:00'],
      ['2022-06', '12022-06-01T00:00:00'],
      ['2022-06-21', '12022-06-21T00:00:00'],
      ['-0043', '09957-01-01T00:00:00'],
      ['44 BC', '09957-01-01T00:00:00'],
      ['AD 33', '10033-01-01T00:00:00'],
      ['June 2022', '12022-06-01T00:00:00'],
      ['15 March 44 BC', '09957-03-15T00:00:00'],
      ['1990s', '11990-01-01T00:00:00'],
      ['3rd century BC', '09701-01-01T00:00:00'],
      ['2nd millennium', '11001-01-01T00:00:00'],
    ])('starts the range at the first instant of from="%s"', (from, fromKey) => {
      expect(searchRange(from, undefined, [])).toStrictEqual({ fromKey, toKey: MAX_SORT_KEY, open: { from: false, to: true } });
    });

    it.each<[string, string]>([
      ['2022', '12022-12-31T23:59:59'],
      ['2022-06', '12022-06-30T23:59:59'],
      ['2023-02', '12023-02-28T23:59:59'],
      ['2024-02', '12024-02-29T23:59:59'],
      ['2022-06-21', '12022-06-21T23:59:59'],
      ['-0043', '09957-12-31T23:59:59'],
      ['AD 33', '10033-12-31T23:59:59'],
      ['June 2022', '12022-06-30T23:59:59'],
      ['1990s', '11999-12-31T23:59:59'],
      ['3rd century BC', '09800-12-31T23:59:59'],
      ['2nd millennium', '12000-12-31T23:59:59'],
    ])('ends the range at the last instant of to="%s", inclusive of the whole period', (to, toKey) => {
      expect(searchRange(undefined, to, [])).toStrictEqual({ fromKey: MIN_SORT_KEY, toKey, open: { from: true, to: false } });
    });

    it('reads from and to together', () => {
      expect(searchRange('44 BC', 'AD 33', [])).toStrictEqual({
        fromKey: '09957-01-01T00:00:00',
        toKey: '10033-12-31T23:59:59',
        open: { from: false, to: false },
      });
    });

    it('accepts from and to naming the same period', () => {
      expect(keys(searchRange('2022-06', '2022-06', []))).toStrictEqual(['12022-06-01T00:00:00', '12022-06-30T23:59:59']);
    });

    it.each<[string, string]>([
      ['1066', '11065-12-31T23:59:59'],
      ['2022-06', '12022-05-31T23:59:59'],
      ['2022-03-01', '12022-02-28T23:59:59'],
      ['2024-03-01', '12024-02-29T23:59:59'],
      ['1990s', '11989-12-31T23:59:59'],
      ['44 BC', '09956-12-31T23:59:59'],
      ['0001', '10000-12-31T23:59:59'],
    ])('ends before:%s on the last instant before that period', (value, toKey) => {
      expect(searchRange(undefined, undefined, [before(value)])).toStrictEqual({ fromKey: MIN_SORT_KEY, toKey, open: { from: true, to: false } });
    });

    it.each<[string, string]>([
      ['44BC', '09958-01-01T00:00:00'],
      ['44 BC', '09958-01-01T00:00:00'],
      ['2022', '12023-01-01T00:00:00'],
      ['2022-02', '12022-03-01T00:00:00'],
      ['2022-12-31', '12023-01-01T00:00:00'],
      ['0000', '10001-01-01T00:00:00'],
      ['1990s', '12000-01-01T00:00:00'],
    ])('starts after:%s on the first instant after that period', (value, fromKey) => {
      expect(searchRange(undefined, undefined, [after(value)])).toStrictEqual({ fromKey, toKey: MAX_SORT_KEY, open: { from: false, to: true } });
    });

    it('starts after:44BC on 1 January 43 BC, astronomical year -42', () => {
      expect(searchRange(undefined, undefined, [after('44BC')]).fromKey).toBe('09958-01-01T00:00:00');
    });

    it.each<[string, string, string]>([
      ['1990s', '11990-01-01T00:00:00', '11999-12-31T23:59:59'],
      ['June 2022', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['2022-06-21', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['3rd century BC', '09701-01-01T00:00:00', '09800-12-31T23:59:59'],
      ['mid-1990s', '11993-01-01T00:00:00', '11996-12-31T23:59:59'],
    ])('covers during:%s from its first to its last instant', (value, fromKey, toKey) => {
      expect(searchRange(undefined, undefined, [during(value)])).toStrictEqual({ fromKey, toKey, open: { from: false, to: false } });
    });

    it('intersects after: and before:', () => {
      expect(keys(searchRange(undefined, undefined, [after('1990'), before('2000')]))).toStrictEqual([
        '11991-01-01T00:00:00',
        '11999-12-31T23:59:59',
      ]);
    });

    it('intersects the operators with from and to, whichever is narrower', () => {
      expect(keys(searchRange('1995', '2022', [during('1990s')]))).toStrictEqual(['11995-01-01T00:00:00', '11999-12-31T23:59:59']);
      expect(keys(searchRange('2022-06', '2022-06', [during('2022')]))).toStrictEqual(['12022-06-01T00:00:00', '12022-06-30T23:59:59']);
    });

    it('keeps the narrowest of several operators of the same kind, in any order', () => {
      const expected = ['11991-01-01T00:00:00', '11994-12-31T23:59:59'];
      expect(keys(searchRange(undefined, undefined, [after('1980'), before('1995'), after('1990'), before('2000')]))).toStrictEqual(expected);
      expect(keys(searchRange(undefined, undefined, [before('2000'), after('1990'), before('1995'), after('1980')]))).toStrictEqual(expected);
    });

    it('leaves a single day between after: and before: the days either side of it', () => {
      expect(keys(searchRange(undefined, undefined, [after('2022-06-20'), before('2022-06-22')]))).toStrictEqual([
        '12022-06-21T00:00:00',
        '12022-06-21T23:59:59',
      ]);
    });

    it.each<[string, string | undefined, string | undefined, DateOperator[]]>([
      ['from after to', '2023', '2022', []],
      ['during a period before from', '2000', undefined, [during('1990s')]],
      ['after the end of to', undefined, '1999', [after('1999')]],
      ['after: and before: the same year', undefined, undefined, [after('1066'), before('1066')]],
      ['after: and before: adjacent years', undefined, undefined, [after('1066'), before('1067')]],
      ['two disjoint during:', undefined, undefined, [during('1990s'), during('2010s')]],
    ])('rejects an empty range (%s) with a message that says so', (_, from, to, operators) => {
      const error = rangeError(from, to, operators);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toBe(EMPTY);
    });

    it('answers an empty range with a 400', () => {
      expect(rangeError('2023', '2022', [])).toMatchObject({ status: 400, name: 'BadRequestError' });
    });

    it.each<[string | undefined, string | undefined, DateOperator[], string]>([
      ['soon', undefined, [], `from "soon": cannot read "soon" as a date: ${HELP}`],
      [undefined, 'soon', [], `to "soon": cannot read "soon" as a date: ${HELP}`],
      ['-43', undefined, [], 'from "-43": year "-43" needs at least 4 digits in "-43": write "-0043"'],
      [undefined, '2022-13', [], 'to "2022-13": month 13 is out of range in "2022-13"'],
      [undefined, undefined, [before('soon')], `before: "soon": cannot read "soon" as a date: ${HELP}`],
      [undefined, undefined, [after('0 BC')], 'after: "0 BC": there is no year 0 in "0 BC": write 1 BC or 0000'],
      [undefined, undefined, [during('12000')], 'during: "12000": year 12000 is out of range (-9999..9999) in "12000"'],
    ])('rejects from=%s to=%s %j with a message naming the parameter and the value', (from, to, operators, message) => {
      const error = rangeError(from, to, operators);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toBe(message);
    });

    it('reads bad text before looking at the range, so the bad parameter is named', () => {
      expect(rangeError('2023', '2022', [before('soon')]).message).toBe(`before: "soon": cannot read "soon" as a date: ${HELP}`);
    });

    // before:-9999 leaves nothing, but the clamp at the first supported instant leaves [MIN, MIN] instead.
    it.each<[string, DateOperator]>([
      ['before the first supported year', before('-9999')],
      ['after the last supported year', after('9999')],
    ])('rejects a range %s as empty', (_, operator) => {
      const error = rangeError(undefined, undefined, [operator]);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toBe(EMPTY);
    });

    // The named period of a time is its minute; stepping a whole day drops the rest of that day.
    it.each<[DateOperator, 'fromKey' | 'toKey', string]>([
      [before('2022-06-21T14:30'), 'toKey', '12022-06-21T14:29:59'],
      [after('2022-06-21T14:30'), 'fromKey', '12022-06-21T14:31:00'],
      [before('2022-06-21T14:30:05'), 'toKey', '12022-06-21T14:30:04'],
      [after('2022-06-21T14:30:05'), 'fromKey', '12022-06-21T14:30:06'],
    ])('excludes only the named instant for %j', (operator, edge, key) => {
      expect(searchRange(undefined, undefined, [operator])[edge]).toBe(key);
    });
  });
});
