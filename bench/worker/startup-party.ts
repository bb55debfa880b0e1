import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
import { routePartykitRequest, Server } from "partyserver";

/** Peer: the same bindings, with the socket gateway a PartyServer `Server` routed by `routePartykitRequest`. */
export class GatewayObject extends Server {
  override onMessage(connection: Parameters<Server["onMessage"]>[0], message: string | ArrayBuffer): void {
    this.broadcast(message, [connection.id]);
  }
}
export class ShardObject extends DurableObject {}
export class SingletonObject extends DurableObject {}
export class TenantObject extends DurableObject {}
export class SagaWorkflow extends WorkflowEntrypoint {
  override async run(): Promise<void> {}
}

export default {
  fetch: async (request, env) => (await routePartykitRequest(request, env)) ?? new Response("not found", { status: 404 }),
} satisfies ExportedHandler<Env>;
