import { app } from "../app/index.ts";
import { Router } from "../shards/index.ts";
import type { ClusterEnv } from "../env.ts";

const routers = new WeakMap<object, Router>();

/** The entity router of this Worker's environment (one per env object). */
export function routerOf(env: ClusterEnv): Router {
  let router = routers.get(env);
  if (!router) {
    router = new Router(env.SHARDS, app.entities);
    routers.set(env, router);
  }
  return router;
}
