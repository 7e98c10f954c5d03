/**
 * The little of SQLite the stores use: run one statement with bound values,
 * read its rows. Cloudflare's `SqlStorage` (a Durable Object's
 * `ctx.storage.sql`) has this shape as it is, so the object hands it over
 * unchanged; tests hand over Node's built-in SQLite behind the same shape, so
 * the stores run outside workerd too.
 */
export interface Sql {
  exec<T extends SqlRow = SqlRow>(query: string, ...bindings: SqlValue[]): SqlCursor<T>;
}

/** What a column holds, and what may be bound to a `?`. */
export type SqlValue = ArrayBuffer | string | number | null;

export type SqlRow = Record<string, SqlValue>;

/** A statement's rows, read all at once, exactly one, or one by one. */
export interface SqlCursor<T extends SqlRow> extends Iterable<T> {
  toArray(): T[];
  /** The only row; throws when there are none or several. */
  one(): T;
}
