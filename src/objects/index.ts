export { ShardObject } from "./shard-object.ts";
export { SingletonObject } from "./singleton-object.ts";
export { GatewayObject } from "./gateway-object.ts";
export { TenantObject } from "./tenant-object.ts";
export { SagaWorkflow } from "./saga-workflow.ts";
export { FleetObject } from "./fleet-object.ts";
export { RolloutWorkflow } from "./rollout-workflow.ts";
export type { Pong } from "./ping.ts";
export { PING_OBJECT_NAME } from "./ping.ts";
