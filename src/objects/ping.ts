/** What every Durable Object answers to the `ping` RPC that `/readyz` and `/health` use. */
export interface Pong {
  readonly ok: true;
  readonly object: string;
}

/** The probe target name used for pings; no entity, singleton, gateway or tenant can have it. */
export const PING_OBJECT_NAME = "_health";
