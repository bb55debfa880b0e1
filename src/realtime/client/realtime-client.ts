import { type z } from "zod";
import { BuiltinParams, DeliveredSchema, PongSchema, PresenceResultSchema, TopicsResultSchema, type BuiltinMethod } from "../../spec/realtime.ts";
import { RPC_ERRORS } from "../../spec/rpc.ts";
import { ConnectionClosedError, RpcError } from "./errors.ts";
import { type ClientOptions } from "./options.ts";
import { RpcClient, type CallOptions } from "./rpc-client.ts";

/** Result of `subscribe` / `unsubscribe`: the socket's topics afterwards. */
export type TopicsResult = z.infer<typeof TopicsResultSchema>;
/** Result of `publish` / `sendTo`. */
export type DeliveredResult = z.infer<typeof DeliveredSchema>;
/** Result of `presence`. */
export type PresenceResult = z.infer<typeof PresenceResultSchema>;
/** Result of `ping`. */
export type PongResult = z.infer<typeof PongSchema>;

/** Topics per `subscribe` frame (the schema's maximum). */
const TOPICS_PER_FRAME = 100;

/**
 * The typed client of `/ws/:user`: `RpcClient` plus the built-in methods and the topic set.
 * Guarantees: the topics you subscribed are subscribed again on every reconnect (before buffered
 * frames go out); params are checked against the protocol schemas before anything is sent.
 */
export class RealtimeClient extends RpcClient {
  private readonly subscribed = new Set<string>();

  /** The topics this client follows (and re-subscribes after each reconnect), in subscription order. */
  get topics(): readonly string[] {
    return [...this.subscribed];
  }

  /**
   * Follows `topics`. They join the client's set at once, so they are subscribed on the next open
   * even if this call is buffered, times out or is cut off; a server refusal (`RpcError`) removes
   * again the topics this call added.
   */
  async subscribe(topics: readonly string[], options?: CallOptions): Promise<TopicsResult> {
    const added = topics.filter((t) => !this.subscribed.has(t));
    const params = checked("subscribe", { topics: [...topics] });
    for (const t of added) this.subscribed.add(t);
    try {
      return await this.callValidated(TopicsResultSchema, "subscribe", params, options);
    } catch (error) {
      if (error instanceof RpcError) for (const t of added) this.subscribed.delete(t);
      throw error;
    }
  }

  /** Leaves `topics`: they leave the client's set at once (a later reconnect will not re-subscribe them). */
  async unsubscribe(topics: readonly string[], options?: CallOptions): Promise<TopicsResult> {
    const params = checked("unsubscribe", { topics: [...topics] });
    for (const t of topics) this.subscribed.delete(t);
    return this.callValidated(TopicsResultSchema, "unsubscribe", params, options);
  }

  /** Publishes `data` to `topic`; resolves with the sockets reached. */
  async publish(topic: string, data: unknown, options?: CallOptions): Promise<DeliveredResult> {
    return this.callValidated(DeliveredSchema, "publish", checked("publish", { topic, data }), options);
  }

  /** Sends `data` to every socket of user `to`; resolves with the sockets reached. */
  async sendTo(to: string, data: unknown, options?: CallOptions): Promise<DeliveredResult> {
    return this.callValidated(DeliveredSchema, "send", checked("send", { to, data }), options);
  }

  /** The users with a socket subscribed to `topic`. */
  async presence(topic: string, options?: CallOptions): Promise<PresenceResult> {
    return this.callValidated(PresenceResultSchema, "presence", checked("presence", { topic }), options);
  }

  /** A round trip through the gateway (unlike the heartbeat, which the runtime answers). */
  async ping(options?: CallOptions): Promise<PongResult> {
    return this.callValidated(PongSchema, "ping", {}, options);
  }

  /** The topic set goes in the reconnect URL too: the gateway subscribes and replays them before anything live. */
  protected override resumeTopics(): readonly string[] {
    return [...this.subscribed];
  }

  /** Re-subscribes the topic set, in frames of 100, through callbacks (no promise is left floating). */
  protected override reopened(): void {
    const topics = [...this.subscribed];
    for (let i = 0; i < topics.length; i += TOPICS_PER_FRAME) {
      const chunk = topics.slice(i, i + TOPICS_PER_FRAME);
      this.request("subscribe", { topics: chunk }, {}, () => undefined, (error) => {
        // A cut-off re-subscribe is retried by the next open; anything else is worth reporting.
        if (!(error instanceof ConnectionClosedError)) this.emit("error", error);
      });
    }
  }
}

/** Validates built-in params as the server will; a failure throws the `RpcError` (-32602) the server would send. */
function checked(method: BuiltinMethod, params: Record<string, unknown>): Record<string, unknown> {
  const parsed = BuiltinParams[method].safeParse(params);
  if (!parsed.success) {
    const paths = parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
    throw new RpcError({ code: RPC_ERRORS.invalid_params, message: `invalid params for ${method}`, data: paths }, null);
  }
  return params;
}

/**
 * Creates a client and starts connecting at once (no delay for the first attempt).
 * Reconnects on every close except 4001 (replaced) and 1008 (policy), after which it emits
 * "close" with `willReconnect: false` and stays closed, like after `close()`.
 *
 * @example
 * const client = createClient({ url: "https://api.example.com", user: "ada", token: () => getToken() });
 * client.on("message", (m) => console.log(m.topic, m.data));
 * await client.subscribe(["room:1"]);
 */
export function createClient(options: ClientOptions): RealtimeClient {
  return new RealtimeClient(options);
}
