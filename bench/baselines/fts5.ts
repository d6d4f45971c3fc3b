import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { IndexedDoc } from '../../lib/search/shard';
import { IpcProcess } from '../child';
import type { Fts5Reply, Fts5Request } from '../fts5-child';
import type { Round } from '../latency';
import type { BenchQuery } from '../queries';

/** What every engine answers: the exact number of matches and the ids of the first ten. */
export interface EngineAnswer {
  total: number;
  top: string[];
}

/** A date range as sort keys (inclusive), the form every baseline filters on. */
export interface KeyBounds {
  fromKey: string;
  toKey: string;
}

/**
 * SQLite FTS5 through better-sqlite3, in memory: a `docs` FTS5 table (title, text) with the
 * Porter tokenizer, and a `dates` table of start/end sort keys joined on rowid. A query is a
 * MATCH (all words, or the phrase, or the prefix) with the date-overlap condition, ranked by
 * FTS5's bm25 `rank`, top 10, plus the exact count of matches (our API answers exact totals).
 */
export class Fts5Baseline {
  private readonly topStatement: Database.Statement<[string, string, string], { id: string }>;
  private readonly countStatement: Database.Statement<[string, string, string], { n: number }>;

  private constructor(private readonly db: Database.Database) {
    const join = 'FROM docs JOIN dates ON dates.rowid = docs.rowid WHERE docs MATCH ? AND dates.start <= ? AND dates.end >= ?';
    this.topStatement = db.prepare(`SELECT dates.id AS id ${join} ORDER BY rank LIMIT 10`);
    this.countStatement = db.prepare(`SELECT count(*) AS n ${join}`);
  }

  /** An in-memory database from the bytes `serialize` gave. */
  static fromBytes(bytes: Buffer): Fts5Baseline {
    return new Fts5Baseline(new Database(bytes));
  }

  /** Loads the documents into a fresh in-memory database. */
  static build(docs: readonly IndexedDoc[]): Fts5Baseline {
    const db = new Database(':memory:');
    db.exec(`
      CREATE VIRTUAL TABLE docs USING fts5(title, text, tokenize = 'porter unicode61');
      CREATE TABLE dates (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL);
    `);
    const insertDoc = db.prepare('INSERT INTO docs (rowid, title, text) VALUES (?, ?, ?)');
    const insertDate = db.prepare('INSERT INTO dates (rowid, id, start, end) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      docs.forEach((doc, i) => {
        insertDoc.run(i + 1, doc.title, doc.text);
        insertDate.run(i + 1, doc.id, doc.startKey, doc.endKey);
      });
    })();
    db.exec("INSERT INTO docs (docs) VALUES ('optimize')");
    return new Fts5Baseline(db);
  }

  /** Top ten and exact count of one query within the range. */
  search(query: BenchQuery, { fromKey, toKey }: KeyBounds): EngineAnswer {
    const match = matchExpression(query);
    const top = this.topStatement.all(match, toKey, fromKey).map((row) => row.id);
    const total = this.countStatement.get(match, toKey, fromKey)?.n ?? 0;
    return { total, top };
  }

  /** How SQLite plans the query, for the report. */
  plan(query: BenchQuery, bounds: KeyBounds): string {
    const rows = this.db
      .prepare<[string, string, string], { detail: string }>(
        'EXPLAIN QUERY PLAN SELECT dates.id FROM docs JOIN dates ON dates.rowid = docs.rowid WHERE docs MATCH ? AND dates.start <= ? AND dates.end >= ? ORDER BY rank LIMIT 10',
      )
      .all(matchExpression(query), bounds.toKey, bounds.fromKey);
    return rows.map((row) => row.detail).join('; ');
  }

  /** The whole database, for a process of its own to load (`fromBytes`). */
  serialize(): Buffer {
    return this.db.serialize();
  }

  /** Frees the database. */
  close(): void {
    this.db.close();
  }
}

/** The queries over a serialized database (`Fts5Baseline.serialize`, written to `dbPath`), timed in a process of its own a round at a time. */
export class Fts5Process {
  private constructor(private readonly ipc: IpcProcess<Fts5Request, Fts5Reply>) {}

  /** Forks the process; resolves once it has loaded the database and run every query once. */
  static async start(dbPath: string, queries: readonly BenchQuery[]): Promise<Fts5Process> {
    const script = fileURLToPath(new URL('../fts5-child.ts', import.meta.url));
    const { process: ipc } = await IpcProcess.fork<Fts5Request, Fts5Reply>(script, { FTS5_DB: dbPath, FTS5_QUERIES: JSON.stringify(queries) });
    return new Fts5Process(ipc);
  }

  /** Runs every query once more, timing each. */
  async round(): Promise<Round> {
    const reply = await this.ipc.ask({ type: 'round' });
    if (reply.type !== 'round') throw new Error(`FTS5 process answered ${reply.type}`);
    return reply.round;
  }

  stop(): Promise<void> {
    return this.ipc.stop({ type: 'stop' });
  }
}

/** SQLite's version, for the report. */
export function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  } finally {
    db.close();
  }
}

/** FTS5 query syntax: quoted words (implicit AND), a quoted phrase, or a quoted prefix with `*`. */
export function matchExpression(query: Pick<BenchQuery, 'words' | 'phrase' | 'prefix'>): string {
  const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
  if (query.phrase) return quote(query.words.join(' '));
  if (query.prefix) return `${quote(query.words[0]!)}*`;
  return query.words.map(quote).join(' ');
}
