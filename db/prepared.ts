import 'server-only';
import type { Query, SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './client';

const dialect = new PgDialect();

/** Values for a statement's `sql.placeholder(name)` parameters. */
export type StatementValues = Record<string, unknown>;

export interface PreparedStatement<Row> {
  execute(values: StatementValues): Promise<Row[]>;
}

/**
 * A raw statement of the hot path, built once from Drizzle's template and prepared under `name`
 * per database handle, so that neither Drizzle's query building nor Postgres's planning runs per
 * request. Rows come back raw: columns by their SQL names, timestamps and bigints as text.
 */
export function preparedStatement<Row>(name: string, build: () => SQL): (db: Database) => PreparedStatement<Row> {
  const statements = new WeakMap<Database, PreparedStatement<Row>>();
  let query: Query | undefined;
  return (db) => {
    let statement = statements.get(db);
    if (!statement) {
      query ??= dialect.sqlToQuery(build());
      const prepared = db._.session.prepareQuery(query, undefined, name, false);
      statement = {
        execute: async (values) => ((await prepared.execute(values)) as { rows: Row[] }).rows,
      };
      statements.set(db, statement);
    }
    return statement;
  };
}
