import type { QueryNode } from './query-parser';
import { SEARCH_FIELDS, type Postings, type SearchField, type ShardReader } from './shard';
import { analyze } from './text';

/** Relative weight of a word found through a prefix or a typo, as MiniSearch weighs them. */
export const EXPANSION_WEIGHTS = { prefix: 0.375, fuzzy: 0.45 } as const;

/** Typo tolerance: a fifth of the word's length, at most this many edits (MiniSearch's defaults). */
const FUZZY_FRACTION = 0.2;
const MAX_FUZZY = 6;

/** One word of the query after analysis: the indexed term it stands for and how it may expand. */
export interface TermSpec {
  /** The analyzed query term; documents matching any of its expansions count it as matched. */
  term: string;
  fields: readonly SearchField[];
  prefix: boolean;
  fuzzy: boolean;
}

/**
 * The query with its words analyzed the way documents were: stop words disappear (an AND
 * ignores them), multi-word terms and phrases become phrase nodes, facets stay as they are.
 */
export type PlanNode =
  | { type: 'term'; spec: TermSpec }
  | { type: 'phrase'; specs: TermSpec[]; fields: readonly SearchField[] }
  | { type: 'facet'; field: 'tags' | 'places' | 'people'; value: string }
  | { type: 'and'; children: PlanNode[] }
  | { type: 'or'; children: PlanNode[] }
  | { type: 'not'; child: PlanNode };

const FACET_FIELDS = { tag: 'tags', place: 'places', person: 'people' } as const;

/** Analyzes a parsed query into a plan; `undefined` means the query had nothing searchable. */
export function planQuery(node: QueryNode): PlanNode | undefined {
  switch (node.type) {
    case 'term':
    case 'phrase': {
      const fields = node.field ? [node.field] : SEARCH_FIELDS;
      const terms = analyze(node.text);
      const prefix = node.type === 'term' && Boolean(node.prefix);
      const fuzzy = node.type === 'term' && Boolean(node.fuzzy);
      const specs = terms.map((term) => ({ term, fields, prefix, fuzzy }));
      if (specs.length === 0) return undefined;
      if (specs.length === 1) return { type: 'term', spec: specs[0]! };
      return { type: 'phrase', specs, fields };
    }
    case 'facet':
      return { type: 'facet', field: FACET_FIELDS[node.field], value: node.value };
    case 'not': {
      const child = planQuery(node.child);
      return child && { type: 'not', child };
    }
    case 'and':
    case 'or': {
      const children = node.children.map(planQuery).filter((child): child is PlanNode => child !== undefined);
      if (children.length === 0) return undefined;
      return children.length === 1 ? children[0] : { type: node.type, children };
    }
  }
}

/** The terms that score (everything not under a NOT), each once. */
export function scoringSpecs(plan: PlanNode | undefined): TermSpec[] {
  const specs = new Map<string, TermSpec>();
  const visit = (node: PlanNode): void => {
    if (node.type === 'term') specs.set(specKey(node.spec), node.spec);
    else if (node.type === 'phrase') node.specs.forEach((spec) => specs.set(specKey(spec), spec));
    else if (node.type === 'and' || node.type === 'or') node.children.forEach(visit);
  };
  if (plan) visit(plan);
  return [...specs.values()];
}

/** Whether any part of the plan is a phrase, whose check reads the documents' texts. */
export function hasPhrase(node: PlanNode): boolean {
  switch (node.type) {
    case 'phrase':
      return true;
    case 'and':
    case 'or':
      return node.children.some(hasPhrase);
    case 'not':
      return hasPhrase(node.child);
    default:
      return false;
  }
}

/** An indexed term a query term expands to in one shard, with its weight. */
export interface Expansion {
  term: string;
  weight: number;
  postings: Postings;
}

/** The indexed terms a query term stands for in a shard: itself, plus prefix and typo matches. */
export function expand(spec: TermSpec, shard: ShardReader): Expansion[] {
  const exact = shard.postings(spec.term);
  // A plain word, the common case: looked up in every shard of a wide query, and absent from most.
  if (!spec.prefix && !spec.fuzzy) return exact ? [{ term: spec.term, weight: 1, postings: exact }] : [];
  const found = new Map<string, Expansion>();
  if (exact) found.set(spec.term, { term: spec.term, weight: 1, postings: exact });
  if (spec.prefix) {
    for (const [term, postings] of shard.withPrefix(spec.term)) {
      const distance = term.length - spec.term.length;
      if (distance === 0) continue;
      found.set(term, { term, weight: (EXPANSION_WEIGHTS.prefix * term.length) / (term.length + 0.3 * distance), postings });
    }
  }
  if (spec.fuzzy) {
    const maxDistance = Math.min(MAX_FUZZY, Math.round(spec.term.length * FUZZY_FRACTION));
    if (maxDistance > 0) {
      for (const [term, postings, distance] of shard.near(spec.term, maxDistance)) {
        if (distance === 0 || found.has(term)) continue;
        found.set(term, { term, weight: (EXPANSION_WEIGHTS.fuzzy * term.length) / (term.length + distance), postings });
      }
    }
  }
  return [...found.values()];
}

/** Identity of a term spec, so the same word asked twice scores once. */
export function specKey(spec: TermSpec): string {
  let key = specKeys.get(spec);
  if (key === undefined) specKeys.set(spec, (key = `${spec.term}|${spec.fields.join(',')}|${spec.prefix ? 'p' : ''}${spec.fuzzy ? 'f' : ''}`));
  return key;
}

// A query asks for a spec's key once per shard it searches: built once per spec object.
const specKeys = new WeakMap<TermSpec, string>();
