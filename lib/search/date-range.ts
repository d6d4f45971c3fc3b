import { parsePeriod, parseRangeBound } from '../date-words';
import { MAX_SORT_KEY, MIN_SORT_KEY } from '../dates';
import { secondAfter, secondBefore } from '../date-keys';
import { BadRequestError } from '../errors';
import type { DateOperator } from './query-parser';

/** An inclusive range of sort keys; `open` says whether the caller left either end unset. */
export interface KeyRange {
  fromKey: string;
  toKey: string;
  open: { from: boolean; to: boolean };
}

/**
 * The range a search covers: `from`/`to` parameters narrowed by `before:`, `after:` and
 * `during:` in the query. `before:1066` ends on 31 December 1065, `after:44BC` starts on
 * 1 January 43 BC: the named period itself is excluded, as people mean it.
 */
export function searchRange(from: string | undefined, to: string | undefined, operators: DateOperator[]): KeyRange {
  let fromKey = from ? read(() => parseRangeBound(from, 'from').key, 'from', from) : MIN_SORT_KEY;
  let toKey = to ? read(() => parseRangeBound(to, 'to').key, 'to', to) : MAX_SORT_KEY;
  for (const { op, value } of operators) {
    const period = read(() => parsePeriod(value), `${op}:`, value);
    if (op === 'before' || op === 'during') toKey = min(toKey, op === 'before' ? secondBefore(period.from.key) : period.to.key);
    if (op === 'after' || op === 'during') fromKey = max(fromKey, op === 'after' ? secondAfter(period.to.key) : period.from.key);
  }
  if (fromKey > toKey) throw new BadRequestError('the date range is empty: its start comes after its end');
  return { fromKey, toKey, open: { from: fromKey === MIN_SORT_KEY, to: toKey === MAX_SORT_KEY } };
}

function read<T>(parse: () => T, name: string, value: string): T {
  try {
    return parse();
  } catch (error) {
    throw new BadRequestError(`${name} "${value}": ${error instanceof Error ? error.message : String(error)}`);
  }
}

const min = (a: string, b: string) => (a < b ? a : b);
const max = (a: string, b: string) => (a > b ? a : b);
