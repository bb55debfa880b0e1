import { z } from "zod";
import { defineEntity } from "../shards/define-entity.ts";
import { JOB_ENTITY_TYPE, JOB_SHARDS } from "./job-id.ts";

/**
 * The shard space of jobs: `Jobs/<shard>` shard objects (16). Declared as an entity type with no
 * messages so a job shard binds its identity and shard count like any shard (a changed count is a
 * migration: the shard refuses to start) and wakes from its alarm after an eviction.
 */
export const JobsShard = defineEntity({
  type: JOB_ENTITY_TYPE,
  shards: JOB_SHARDS,
  state: z.object({}),
  initial: () => ({}),
  messages: {},
  handlers: {},
});
