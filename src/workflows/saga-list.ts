import { pageCursor, parsePageCursor } from "../storage/page-cursor.ts";
import type { ClusterEnv } from "../env.ts";
import { Directory } from "../singleton/directory.ts";
import { SagaRecordSchema, type SagaListQuery, type SagaPage, type SagaRecord, type SagaStatus } from "../spec/index.ts";
import { SagaLog } from "./saga-log.ts";

/** Where a page ends: the (createdAt, instanceId) of its last item. */
export interface SagaCursor {
  readonly createdAt: number;
  readonly instanceId: string;
}

/** A saga-log shard's records matching the filter, newest first, after the cursor, as JSON text (read only). */
export function listSagaRecords(sql: SqlStorage, filter: { name?: string | undefined; status?: SagaStatus | undefined }, after: SagaCursor | null, limit: number): string[] {
  return sql
    .exec<{ record: string }>(
      `SELECT json_extract(state, '$.record') AS record FROM entities
        WHERE json_extract(state, '$.record') IS NOT NULL
          AND (?1 IS NULL OR json_extract(state, '$.record.saga') = ?1)
          AND (?2 IS NULL OR json_extract(state, '$.record.status') = ?2)
          AND (?3 IS NULL OR (json_extract(state, '$.record.createdAt'), entity_key) < (?3, ?4))
        ORDER BY json_extract(state, '$.record.createdAt') DESC, entity_key DESC LIMIT ?5`,
      filter.name ?? null, filter.status ?? null, after?.createdAt ?? null, after?.instanceId ?? null, limit,
    )
    .toArray()
    .map((r) => r.record);
}

const cursorOf = (record: SagaRecord) => pageCursor(record.createdAt, record.instanceId);
function parseCursor(cursor: string): SagaCursor {
  const { at, id } = parsePageCursor(cursor);
  return { createdAt: at, instanceId: id };
}

/** One page over every saga-log shard that exists: `limit + 1` records from each, merged, the first `limit` kept. */
export async function listSagas(env: ClusterEnv, query: SagaListQuery): Promise<SagaPage> {
  const after = query.cursor === undefined ? null : parseCursor(query.cursor);
  const shards = await new Directory(env.SINGLETONS).under("shard", `${SagaLog.type}/`);
  const pages = await Promise.all(shards.map((name) => env.SHARDS.get(env.SHARDS.idFromName(name)).listSagas({ name: query.name, status: query.status }, after, query.limit + 1)));
  const merged = pages
    .flat()
    .map((text) => SagaRecordSchema.parse(JSON.parse(text)))
    .sort((a, b) => b.createdAt - a.createdAt || (a.instanceId < b.instanceId ? 1 : a.instanceId > b.instanceId ? -1 : 0));
  const items = merged.slice(0, query.limit);
  const last = items.at(-1);
  return { items, nextCursor: merged.length > query.limit && last ? cursorOf(last) : null };
}
