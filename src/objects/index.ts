export { ShardObject } from "./shard-object";
export { SingletonObject } from "./singleton-object";
export { GatewayObject } from "./gateway-object";
export { TenantObject } from "./tenant-object";
export { SagaWorkflow } from "./saga-workflow";
export type { Pong } from "./ping";
export { PING_OBJECT_NAME } from "./ping";
