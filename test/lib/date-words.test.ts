import { describe, expect, it } from 'vitest';
import { parsePeriod, parseRangeBound } from '../../lib/date-words';
import { DateError } from '../../lib/dates';

const HELP = 'use 2022, 2022-06, 2022-06-21, -0043, 44 BC, June 2022, 1990s or 3rd century BC';

describe('date-words', () => {
  describe('parseRangeBound', () => {
    // [text, key at 'from', key at 'to']
    it.each([
      // ISO and plain years
      ['2022', '12022-01-01T00:00:00', '12022-12-31T23:59:59'],
      ['2022-06', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['2022-06-21', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['2022-06-21T14:30', '12022-06-21T14:30:00', '12022-06-21T14:30:59'],
      ['-0043', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['-0043-03-15', '09957-03-15T00:00:00', '09957-03-15T23:59:59'],
      ['0000', '10000-01-01T00:00:00', '10000-12-31T23:59:59'],
      ['1066', '11066-01-01T00:00:00', '11066-12-31T23:59:59'],
      ['476', '10476-01-01T00:00:00', '10476-12-31T23:59:59'],
      ['33', '10033-01-01T00:00:00', '10033-12-31T23:59:59'],
      ['  2022  ', '12022-01-01T00:00:00', '12022-12-31T23:59:59'],
      // eras
      ['44 BC', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['44BC', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['44 bce', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['44   B.C.', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['44 B.C.E.', '09957-01-01T00:00:00', '09957-12-31T23:59:59'],
      ['1 BC', '10000-01-01T00:00:00', '10000-12-31T23:59:59'],
      ['1458 BC', '08543-01-01T00:00:00', '08543-12-31T23:59:59'],
      ['10000 BC', '00001-01-01T00:00:00', '00001-12-31T23:59:59'],
      ['AD 33', '10033-01-01T00:00:00', '10033-12-31T23:59:59'],
      ['33 AD', '10033-01-01T00:00:00', '10033-12-31T23:59:59'],
      ['A.D. 33', '10033-01-01T00:00:00', '10033-12-31T23:59:59'],
      ['33 CE', '10033-01-01T00:00:00', '10033-12-31T23:59:59'],
      ['AD 1066', '11066-01-01T00:00:00', '11066-12-31T23:59:59'],
      // month names
      ['June 2022', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['Jun 2022', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['jun. 2022', '12022-06-01T00:00:00', '12022-06-30T23:59:59'],
      ['Sept 2022', '12022-09-01T00:00:00', '12022-09-30T23:59:59'],
      ['February 1900', '11900-02-01T00:00:00', '11900-02-28T23:59:59'],
      ['February 2000', '12000-02-01T00:00:00', '12000-02-29T23:59:59'],
      ['June 44 BC', '09957-06-01T00:00:00', '09957-06-30T23:59:59'],
      ['June 32', '10032-06-01T00:00:00', '10032-06-30T23:59:59'],
      ['June 476', '10476-06-01T00:00:00', '10476-06-30T23:59:59'],
      ['21 June 33', '10033-06-21T00:00:00', '10033-06-21T23:59:59'],
      ['21 June 2022', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['21st of June 2022', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['June 21, 2022', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['June 21 2022', '12022-06-21T00:00:00', '12022-06-21T23:59:59'],
      ['15 March 44 BC', '09957-03-15T00:00:00', '09957-03-15T23:59:59'],
      ['the Ides of March 44 BC', '09957-03-15T00:00:00', '09957-03-15T23:59:59'],
      ['Ides of January 44 BC', '09957-01-13T00:00:00', '09957-01-13T23:59:59'],
      ['Nones of July 44 BC', '09957-07-07T00:00:00', '09957-07-07T23:59:59'],
      ['Kalends of April 44 BC', '09957-04-01T00:00:00', '09957-04-01T23:59:59'],
      // decades, centuries, millennia
      ['1990s', '11990-01-01T00:00:00', '11999-12-31T23:59:59'],
      ['the 1990s', '11990-01-01T00:00:00', '11999-12-31T23:59:59'],
      ["1990's", '11990-01-01T00:00:00', '11999-12-31T23:59:59'],
      ['1900s', '11900-01-01T00:00:00', '11999-12-31T23:59:59'],
      ['2000s', '12000-01-01T00:00:00', '12099-12-31T23:59:59'],
      ['50s BC', '09942-01-01T00:00:00', '09951-12-31T23:59:59'],
      ['3rd century BC', '09701-01-01T00:00:00', '09800-12-31T23:59:59'],
      ['21st century', '12001-01-01T00:00:00', '12100-12-31T23:59:59'],
      ['1st century AD', '10001-01-01T00:00:00', '10100-12-31T23:59:59'],
      ['1st century BC', '09901-01-01T00:00:00', '10000-12-31T23:59:59'],
      ['5th century', '10401-01-01T00:00:00', '10500-12-31T23:59:59'],
      ['the 15th century', '11401-01-01T00:00:00', '11500-12-31T23:59:59'],
      ['2nd millennium BC', '08001-01-01T00:00:00', '09000-12-31T23:59:59'],
      ['2nd millennium', '11001-01-01T00:00:00', '12000-12-31T23:59:59'],
      // early / mid / late thirds
      ['early 1990s', '11990-01-01T00:00:00', '11992-12-31T23:59:59'],
      ['mid-1990s', '11993-01-01T00:00:00', '11996-12-31T23:59:59'],
      ['late 1990s', '11997-01-01T00:00:00', '11999-12-31T23:59:59'],
      ['early 20th century', '11901-01-01T00:00:00', '11933-12-31T23:59:59'],
      ['late 3rd century BC', '09768-01-01T00:00:00', '09800-12-31T23:59:59'],
      // free-form English left to chrono-node
      ['March 3rd, 2021', '12021-03-03T00:00:00', '12021-03-03T23:59:59'],
      ['3/4/2021', '12021-03-04T00:00:00', '12021-03-04T23:59:59'],
      ['the 3rd of March, 2021 at 3pm', '12021-03-03T15:00:00', '12021-03-03T15:00:59'],
    ])('reads "%s" from %s to %s', (text, from, to) => {
      expect(parseRangeBound(text, 'from').key).toBe(from);
      expect(parseRangeBound(text, 'to').key).toBe(to);
    });

    it('returns the point and precision each edge was read as', () => {
      expect(parseRangeBound('3rd century BC', 'from')).toStrictEqual({
        key: '09701-01-01T00:00:00', point: { year: -299 }, precision: 'year',
      });
      expect(parseRangeBound('15 March 44 BC', 'to')).toStrictEqual({
        key: '09957-03-15T23:59:59', point: { year: -43, month: 3, day: 15 }, precision: 'day',
      });
    });

    it.each([
      ['foo', `cannot read "foo" as a date: ${HELP}`],
      ['', `cannot read "" as a date: ${HELP}`],
      ['next week', `cannot read "next week" as a date: ${HELP}`],
      ['June 21', `cannot read "June 21" as a date: ${HELP}`],
      ['June 1', `cannot read "June 1" as a date: ${HELP}`],
      ['before June 21, 2022', `cannot read "before June 21, 2022" as a date: ${HELP}`],
      ['marmalade 2022', `cannot read "marmalade 2022" as a date: ${HELP}`],
      ['0s', `cannot read "0s" as a date: ${HELP}`],
      ['-43', 'year "-43" needs at least 4 digits in "-43": write "-0043"'],
      ['2022-13', 'month 13 is out of range in "2022-13"'],
      ['12000', 'year 12000 is out of range (-9999..9999) in "12000"'],
      ['10001 BC', 'year -10000 is out of range (-9999..9999) in "10001 BC"'],
      ['101st century', 'year 10001 is out of range (-9999..9999) in "101st century"'],
      ['0 BC', 'there is no year 0 in "0 BC": write 1 BC or 0000'],
      ['0', 'there is no year 0 in "0": write 1 BC or 0000'],
      ['0th century', 'there is no 0th century in "0th century"'],
      ['31 June 2022', 'day 31 is out of range for June 2022 in "31 June 2022"'],
      ['29 February 1900', 'day 29 is out of range for February 1900 in "29 February 1900"'],
      ['21 June 21 2022', `"21 June 21 2022" has two days: ${HELP}`],
      ['44 BC AD', `"44 BC AD" names more than one era: ${HELP}`],
    ])('rejects "%s" saying: %s', (text, message) => {
      expect(() => parseRangeBound(text, 'from')).toThrow(new DateError(message));
    });
  });

  describe('parsePeriod', () => {
    it('gives both ends of a decade', () => {
      expect(parsePeriod('1990s')).toStrictEqual({
        from: { key: '11990-01-01T00:00:00', point: { year: 1990 }, precision: 'year' },
        to: { key: '11999-12-31T23:59:59', point: { year: 1999 }, precision: 'year' },
      });
    });

    it('gives a month the same point at both ends', () => {
      const { from, to } = parsePeriod('June 2022');
      expect([from.point, to.point, from.precision]).toStrictEqual([{ year: 2022, month: 6 }, { year: 2022, month: 6 }, 'month']);
    });

    it('moves a time stated in another zone by chrono-node into UTC', () => {
      expect(parsePeriod('March 3rd, 2021 at 3pm GMT+2').from.point).toStrictEqual({
        year: 2021, month: 3, day: 3, time: '13:00',
      });
    });
  });
});
