import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import type { Sql, SqlCursor, SqlRow, SqlValue } from "../../src/platform/sql";

/** Node's built-in SQLite behind the stores' SQL interface, as a Durable Object's storage would answer. */
export function nodeSql(db = new DatabaseSync(":memory:")): Sql {
  return {
    exec<T extends SqlRow = SqlRow>(query: string, ...bindings: SqlValue[]): SqlCursor<T> {
      const rows = db
        .prepare(query)
        .all(...bindings.map(input))
        .map((row) => asRow<T>(row));
      return {
        toArray: () => rows,
        one() {
          const [row, ...more] = rows;
          if (row === undefined || more.length > 0) throw new Error(`expected exactly one row, got ${rows.length}`);
          return row;
        },
        [Symbol.iterator]: () => rows[Symbol.iterator](),
      };
    },
  };
}

/** Blobs go in and come out as bytes in Node, as an `ArrayBuffer` in workerd. */
function input(value: SqlValue): SQLInputValue {
  return value instanceof ArrayBuffer ? new Uint8Array(value) : value;
}

/**
 * A plain object from Node's row, each value as workerd gives it. The row's
 * shape is the query's, which only its author knows: `T` is taken on trust,
 * as `SqlStorage.exec<T>` takes it.
 */
function asRow<T extends SqlRow>(row: Record<string, SQLOutputValue>): T {
  const out: SqlRow = {};
  for (const [column, value] of Object.entries(row)) out[column] = output(value);
  return out as T;
}

function output(value: SQLOutputValue): SqlValue {
  if (value instanceof Uint8Array) return value.slice().buffer;
  if (typeof value === "bigint") return Number(value);
  return value;
}
