import { demo } from "../examples/demo/index.ts";
import { createCluster } from "./index.ts";

/** The deployable demo: `npm run dev` serves it, `npm run deploy` ships it. */
const cluster = createCluster(demo);

export default cluster;
// wrangler.toml names these classes; declaring them (rather than re-exporting values) lets `wrangler types` type their stubs.
export class ShardObject extends cluster.objects.ShardObject {}
export class SingletonObject extends cluster.objects.SingletonObject {}
export class GatewayObject extends cluster.objects.GatewayObject {}
export class TenantObject extends cluster.objects.TenantObject {}
export class SagaWorkflow extends cluster.objects.SagaWorkflow {}
export class FleetObject extends cluster.objects.FleetObject {}
export class RolloutWorkflow extends cluster.objects.RolloutWorkflow {}
