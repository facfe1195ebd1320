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
 * A raw statement of the hot path, built once (its SQL text from Drizzle's template, with
 * `sql.placeholder()` for the values) and prepared under `name`: node-postgres parses and plans a
 * named statement once per connection, and Drizzle's query building does not run per request. The
 * same thing `db.execute(sql)` does each time, done once per database handle (tests and scripts
 * open several). Rows come back as the drivers give raw statements: columns by their SQL names,
 * timestamps as text, bigint as text on Postgres.
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
