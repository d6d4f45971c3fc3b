// Parser for the search box language. The AST below is the contract with the search engine,
// so it stays exactly as agreed; everything else here is an implementation detail.

export type QueryNode =
  | { type: 'term'; text: string; field?: 'title' | 'text'; prefix?: boolean; fuzzy?: boolean }
  | { type: 'phrase'; text: string; field?: 'title' | 'text' }
  | { type: 'facet'; field: 'tag' | 'place' | 'person'; value: string }
  | { type: 'and'; children: QueryNode[] }
  | { type: 'or'; children: QueryNode[] }
  | { type: 'not'; child: QueryNode };

/** A date narrowing such as `before:1066`, kept as raw text because resolving it is another module's job. */
export interface DateOperator {
  op: 'before' | 'after' | 'during';
  value: string;
}

/** The parsed query: the boolean tree (absent when nothing but dates was typed) and the date operators. */
export interface ParsedQuery {
  root?: QueryNode;
  dates: DateOperator[];
}

/** A query the user has to fix, with the 0-based UTF-16 offset (a JS string index) the UI can point at. */
export class QuerySyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.position = position;
  }
}

/** Bounds that keep parsing and evaluation cheap whatever the user pastes in. */
export const QUERY_LIMITS = { maxLength: 1000, maxTerms: 32, maxDepth: 8 } as const;

type TextField = 'title' | 'text';
type FacetField = 'tag' | 'place' | 'person';
type DateField = DateOperator['op'];
type FieldName = TextField | FacetField | DateField;
type TermNode = Extract<QueryNode, { type: 'term' }>;

const TEXT_FIELDS: readonly TextField[] = ['title', 'text'];
const FACET_FIELDS: readonly FacetField[] = ['tag', 'place', 'person'];
const DATE_FIELDS: readonly DateField[] = ['before', 'after', 'during'];
const ALL_FIELDS: readonly FieldName[] = [...TEXT_FIELDS, ...FACET_FIELDS, ...DATE_FIELDS];

interface Span {
  pos: number;
  end: number;
}

type Token = Span &
  (
    | { kind: 'lparen' | 'rparen' | 'or' | 'not' }
    | { kind: 'word'; text: string }
    | { kind: 'phrase'; text: string }
    | { kind: 'field'; field: FieldName; value: string; quoted: boolean; valuePos: number }
  );

/** A parsed sub-expression; `excludesOnly` is set when it can only remove results, never find any. */
interface Part {
  node: QueryNode;
  excludesOnly?: Span;
}

// Control characters (null bytes included) count as whitespace so pasted junk cannot glue words together.
const WHITESPACE = /[\s\p{Cc}]+/uy;
const WHITESPACE_RUN = /[\s\p{Cc}]+/gu;
const WORD = /[^\s\p{Cc}()"|]+/uy;
const PIPES = /\|+/y;
// "-" negates only at the start of a token and right before something searchable, so "x-ray" and "a - b" stay words.
const NEGATION = /-(?=[\p{L}\p{N}"(])/uy;
const FIELD_NAME = /([A-Za-z]+):/y;
// An unknown "name:" is only an error when a value follows, so "Note: ..." and "https://..." stay plain text.
const FIELD_VALUE_START = /[\p{L}\p{N}"]/uy;
const WORD_CHAR = /[\p{L}\p{N}]/u;
const WORD_CHARS = /[\p{L}\p{N}]/gu;

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value);
}

function collapse(text: string): string {
  return text.replace(WHITESPACE_RUN, ' ').trim();
}

function matchAt(pattern: RegExp, input: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(input)?.[0];
}

function readQuoted(input: string, at: number): { text: string; end: number } {
  const close = input.indexOf('"', at + 1);
  if (close === -1) throw new QuerySyntaxError(`unterminated quote starting at position ${at}`, at);
  return { text: collapse(input.slice(at + 1, close)), end: close + 1 };
}

// A generator so that errors surface left to right, interleaved with the parser's own errors.
function* tokenize(input: string): Generator<Token, void, undefined> {
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    const space = matchAt(WHITESPACE, input, i);
    if (space) {
      i += space.length;
    } else if (ch === '(' || ch === ')') {
      yield { kind: ch === '(' ? 'lparen' : 'rparen', pos: i, end: i + 1 };
      i += 1;
    } else if (ch === '|') {
      const pipes = matchAt(PIPES, input, i) ?? ch;
      yield { kind: 'or', pos: i, end: i + pipes.length };
      i += pipes.length;
    } else if (ch === '"') {
      const { text, end } = readQuoted(input, i);
      yield { kind: 'phrase', text, pos: i, end };
      i = end;
    } else if (matchAt(NEGATION, input, i)) {
      yield { kind: 'not', pos: i, end: i + 1 };
      i += 1;
    } else {
      // The fallback guarantees progress even if the pattern somehow fails to match.
      const word = matchAt(WORD, input, i) ?? ch;
      const token = wordToken(input, i, word);
      if (token) yield token;
      i = token?.end ?? i + word.length;
    }
  }
}

function wordToken(input: string, pos: number, word: string): Token | undefined {
  const end = pos + word.length;
  if (word === 'OR') return { kind: 'or', pos, end };
  if (word === 'NOT') return { kind: 'not', pos, end };
  if (word === 'AND') return undefined; // implicit AND already applies, so the keyword adds nothing
  FIELD_NAME.lastIndex = pos;
  const named = FIELD_NAME.exec(input);
  if (!named) return { kind: 'word', text: word, pos, end };
  const field = named[1].toLowerCase();
  const valuePos = pos + named[0].length;
  if (!isOneOf(ALL_FIELDS, field)) {
    if (!matchAt(FIELD_VALUE_START, input, valuePos)) return { kind: 'word', text: word, pos, end };
    throw new QuerySyntaxError(
      `unknown field "${named[1]}": use title:, text:, tag:, place:, person:, before:, after: or during:`,
      pos,
    );
  }
  const quoted = input[valuePos] === '"';
  const value = quoted ? readQuoted(input, valuePos) : { text: word.slice(named[0].length), end };
  if (!value.text) throw new QuerySyntaxError(`${field}: needs a value right after the colon`, pos);
  return { kind: 'field', field, value: value.text, quoted, valuePos, pos, end: value.end };
}

function termNode(text: string, pos: number, field?: TextField): TermNode | undefined {
  let cut = text.length;
  while (cut > 0 && text[cut - 1] === '*') cut--;
  if (cut < text.length) {
    const base = text.slice(0, cut);
    // A one-letter prefix would make the engine walk most of its dictionary.
    if ((base.match(WORD_CHARS)?.length ?? 0) < 2) {
      throw new QuerySyntaxError('"*" needs at least 2 letters before it', pos + cut);
    }
    return withField({ type: 'term', text: base, prefix: true }, field);
  }
  if (!WORD_CHAR.test(text)) return undefined; // punctuation-only: nothing the engine could match
  const tilde = /~\d*$/.exec(text);
  if (tilde && WORD_CHAR.test(text.slice(0, tilde.index))) {
    return withField({ type: 'term', text: text.slice(0, tilde.index), fuzzy: true }, field);
  }
  return withField({ type: 'term', text }, field);
}

function phraseNode(text: string, field?: TextField): QueryNode | undefined {
  return WORD_CHAR.test(text) ? withField({ type: 'phrase', text }, field) : undefined;
}

function withField<T extends QueryNode>(node: T, field: TextField | undefined): T {
  return field ? { ...node, field } : node;
}

function flatten(type: 'and' | 'or', node: QueryNode): QueryNode[] {
  return node.type === type ? node.children : [node];
}

/** Parses what the user typed into the search box, throwing QuerySyntaxError for anything it cannot honour. */
export function parseQuery(input: string): ParsedQuery {
  if (input.length > QUERY_LIMITS.maxLength) {
    throw new QuerySyntaxError(`query is longer than ${QUERY_LIMITS.maxLength} characters`, QUERY_LIMITS.maxLength);
  }
  const tokens = tokenize(input);
  const dates: Array<DateOperator & { pos: number }> = [];
  let tok = advance();
  let lastEnd = 0;
  let depth = 0;
  let leaves = 0;

  function advance(): Token | { kind: 'eof'; pos: number; end: number } {
    const next = tokens.next();
    return next.done ? { kind: 'eof', pos: input.length, end: input.length } : next.value;
  }

  function consume(): typeof tok {
    const current = tok;
    lastEnd = current.end;
    tok = advance();
    return current;
  }

  function source(span: Span): string {
    return input.slice(span.pos, span.end);
  }

  // Dates narrow the whole result set, so they may not sit where only part of the query would see them.
  function rejectDatesSince(firstDate: number, where: string): void {
    const date = dates[firstDate];
    if (date) throw new QuerySyntaxError(`${date.op}: can only narrow the whole query, not ${where}`, date.pos);
  }

  function parseOr(): Part | undefined {
    const firstDate = dates.length;
    const branches = [parseAnd()];
    const operators: Span[] = [];
    while (tok.kind === 'or') {
      operators.push(consume());
      branches.push(parseAnd());
    }
    if (branches.length === 1) return branches[0];
    rejectDatesSince(firstDate, 'one side of OR');
    const children = branches.map((branch, k) => {
      const operator = operators[Math.max(0, k - 1)];
      if (!branch) throw new QuerySyntaxError(`"${source(operator)}" needs a word on both sides`, operator.pos);
      // A purely negative side would match almost every event, defeating the rest of the query.
      if (branch.excludesOnly) {
        const negation = branch.excludesOnly;
        throw new QuerySyntaxError(
          `each side of OR needs a word to match; "${source(negation)}" only excludes`,
          negation.pos,
        );
      }
      return flatten('or', branch.node);
    });
    return { node: { type: 'or', children: children.flat() } };
  }

  function parseAnd(): Part | undefined {
    const parts: Part[] = [];
    while (tok.kind !== 'or' && tok.kind !== 'rparen' && tok.kind !== 'eof') {
      const part = parseUnary();
      if (part) parts.push(part);
    }
    if (parts.length <= 1) return parts[0];
    const positive = parts.some((part) => !part.excludesOnly);
    return {
      node: { type: 'and', children: parts.flatMap((part) => flatten('and', part.node)) },
      excludesOnly: positive ? undefined : parts[0].excludesOnly,
    };
  }

  function parseUnary(): Part | undefined {
    if (tok.kind !== 'not') return parsePrimary();
    const first = tok;
    let operator: Span = tok;
    let negations = 0;
    // Iterative rather than recursive so a long run of NOTs cannot deepen the stack.
    while (tok.kind === 'not') {
      operator = consume();
      negations++;
    }
    const firstDate = dates.length;
    const operand = parsePrimary();
    rejectDatesSince(firstDate, 'be excluded with - or NOT');
    if (!operand) throw new QuerySyntaxError(`"${source(operator)}" needs a word after it`, operator.pos);
    if (negations % 2 === 0) return operand; // double negation cancels out and keeps the tree shallow
    return { node: { type: 'not', child: operand.node }, excludesOnly: { pos: first.pos, end: lastEnd } };
  }

  function parsePrimary(): Part | undefined {
    const token = tok;
    if (token.kind === 'lparen') return parseGroup();
    if (token.kind !== 'word' && token.kind !== 'phrase' && token.kind !== 'field') return undefined;
    consume();
    if (token.kind === 'word') return counted(termNode(token.text, token.pos), token.pos);
    if (token.kind === 'phrase') return counted(phraseNode(token.text), token.pos);
    const { field, value } = token;
    if (isOneOf(DATE_FIELDS, field)) {
      dates.push({ op: field, value, pos: token.pos });
      return undefined;
    }
    if (isOneOf(FACET_FIELDS, field)) return counted({ type: 'facet', field, value }, token.pos);
    const node = token.quoted ? phraseNode(value, field) : termNode(value, token.valuePos, field);
    return counted(node, token.pos);
  }

  function parseGroup(): Part | undefined {
    const open = consume();
    if (++depth > QUERY_LIMITS.maxDepth) {
      throw new QuerySyntaxError(`parentheses are nested more than ${QUERY_LIMITS.maxDepth} deep`, open.pos);
    }
    const firstDate = dates.length;
    const inner = parseOr();
    if (tok.kind !== 'rparen') throw new QuerySyntaxError(`"(" at position ${open.pos} is never closed`, open.pos);
    consume();
    depth--;
    if (!inner && dates.length === firstDate) {
      throw new QuerySyntaxError(`empty parentheses at position ${open.pos}`, open.pos);
    }
    return inner;
  }

  function counted(node: QueryNode | undefined, pos: number): Part | undefined {
    if (!node) return undefined;
    if (++leaves > QUERY_LIMITS.maxTerms) {
      throw new QuerySyntaxError(`query has more than ${QUERY_LIMITS.maxTerms} words, phrases or filters`, pos);
    }
    return { node };
  }

  const root = parseOr();
  if (tok.kind === 'rparen') throw new QuerySyntaxError(`")" at position ${tok.pos} has no matching "("`, tok.pos);
  if (root?.excludesOnly) {
    const negation = root.excludesOnly;
    throw new QuerySyntaxError(
      `a query needs at least one word to match; "${source(negation)}" only excludes`,
      negation.pos,
    );
  }
  const operators = dates.map(({ op, value }) => ({ op, value }));
  return root ? { root: root.node, dates: operators } : { dates: operators };
}
