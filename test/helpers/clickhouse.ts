/** The two local ClickHouse shards .ci/clickhouse.sh starts (cluster `datakernel`), for tests and benches. */
export const SHARDS = ['http://127.0.0.1:8123', 'http://127.0.0.1:8124'];
export const CH_URI = 'clickhouse://127.0.0.1:8123/default';

/** Runs SQL on one shard over HTTP (as an administrator would, outside the code under test); returns the body. */
export async function chAdmin(sql: string, shard = 0, settings: Record<string, string> = {}): Promise<string> {
  const url = new URL(SHARDS[shard]);
  for (const [key, value] of Object.entries({ allow_experimental_low_cardinality_type: '1', ...settings })) url.searchParams.set(key, value);
  const response = await fetch(url, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(`shard ${shard + 1}: ${text}`);
  return text;
}

/**
 * Creates `local` (MergeTree, on each shard) and `name` (Distributed over them, on each shard) with `columns`;
 * `rows(shard)` gives each shard's rows as an INSERT ... VALUES tail, so each shard holds a known part.
 */
export async function distributedTable(name: string, columns: string, orderBy: string, rows: (shard: number) => string): Promise<void> {
  for (const shard of [0, 1]) {
    await chAdmin(`DROP TABLE IF EXISTS default.${name}`, shard);
    await chAdmin(`DROP TABLE IF EXISTS default.${name}_local`, shard);
    await chAdmin(`CREATE TABLE default.${name}_local (${columns}) ENGINE = MergeTree ORDER BY ${orderBy}`, shard);
    await chAdmin(`CREATE TABLE default.${name} AS default.${name}_local ENGINE = Distributed(datakernel, default, ${name}_local, rand())`, shard);
    const values = rows(shard);
    if (values) await chAdmin(`INSERT INTO default.${name}_local ${values}`, shard);
  }
}

export async function dropDistributed(name: string): Promise<void> {
  for (const shard of [0, 1]) {
    await chAdmin(`DROP TABLE IF EXISTS default.${name}`, shard).catch(() => undefined);
    await chAdmin(`DROP TABLE IF EXISTS default.${name}_local`, shard).catch(() => undefined);
  }
}

/** system.query_log rows for queries whose text contains `marker` (flushed first), on a shard. */
export async function queryLog(marker: string, shard = 0): Promise<{ query: string; read_rows: number; result_rows: number; is_initial_query: number }[]> {
  await chAdmin('SYSTEM FLUSH LOGS', shard);
  const body = await chAdmin(
    `SELECT query, read_rows, result_rows, is_initial_query FROM system.query_log WHERE type = 2 AND position(query, '${marker.replace(/[\\']/g, '\\$&')}') > 0 AND position(query, 'system.query_log') = 0 ORDER BY event_time FORMAT JSONEachRow`,
    shard,
  );
  return body.trim() ? body.trim().split('\n').map((line) => { const r = JSON.parse(line); return { ...r, read_rows: Number(r.read_rows), result_rows: Number(r.result_rows) }; }) : [];
}

/** INSERTs running into the new table of an overwrite of default.TABLE (TABLE__dk_new_PID). */
export const overwriteUploads = async (table: string): Promise<number> =>
  Number((await chAdmin(`SELECT count() FROM system.processes WHERE query LIKE 'INSERT INTO%${table}__dk_new%'`)).trim());

/**
 * What an interrupted overwrite of default.TABLE left once its cleanup had time to run: uploads still going,
 * tables of its own beside TABLE, and TABLE's rows as "count<TAB>min(label)".
 */
export async function afterInterruptedOverwrite(table: string): Promise<{ uploads: number; leftovers: number; rows: string }> {
  const leftovers = async () => Number((await chAdmin(`SELECT count() FROM system.tables WHERE database = 'default' AND name LIKE '${table}__dk_%'`)).trim());
  for (let i = 0; i < 50 && ((await overwriteUploads(table)) > 0 || (await leftovers()) > 0); i++) await new Promise((r) => setTimeout(r, 100));
  return { uploads: await overwriteUploads(table), leftovers: await leftovers(), rows: (await chAdmin(`SELECT count(), min(label) FROM default.${table}`)).trim() };
}

/** Drops default.TABLE and what an overwrite of it by this process may have left. */
export async function dropOverwritten(table: string): Promise<void> {
  await chAdmin(`DROP TABLE IF EXISTS default.${table}`);
  await chAdmin(`DROP TABLE IF EXISTS default.${table}__dk_new_${process.pid}`);
}
