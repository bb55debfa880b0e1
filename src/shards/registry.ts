import { AppError } from "../spec/index.ts";
import type { AnyEntity } from "./entity.ts";

/** The entity types of an application and the routing seed they share. */
export interface EntityRegistry {
  /** The clstr-go routing seed (default "": no seed). Changing it re-routes every key: a migration. */
  readonly seed: string;
  list(): readonly AnyEntity[];
  find(type: string): AnyEntity | undefined;
  /** The entity type, or 404 `not_found` (before any Durable Object is contacted). */
  require(type: string): AnyEntity;
}

/** Builds a registry; two entity types with one name throw here. */
export function createRegistry(entities: readonly AnyEntity[], options: { seed?: string } = {}): EntityRegistry {
  const byType = new Map<string, AnyEntity>();
  for (const entity of entities) {
    if (byType.has(entity.type)) throw new Error(`createRegistry: entity type '${entity.type}' is declared twice`);
    byType.set(entity.type, entity);
  }
  const seed = options.seed ?? "";
  return {
    seed,
    list: () => [...byType.values()],
    find: (type) => byType.get(type),
    require(type) {
      const entity = byType.get(type);
      if (!entity) throw new AppError("not_found", `unknown entity type '${type}'`);
      return entity;
    },
  };
}
