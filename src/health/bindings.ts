import { AppError } from "../spec/index.ts";

/** A binding the platform needs, how to recognise it, and the wrangler.toml lines that declare it. */
interface RequiredBinding {
  readonly name: string;
  readonly kind: string;
  readonly declare: string;
  readonly present: (value: unknown) => boolean;
}

const hasMethods = (value: unknown, ...methods: string[]): boolean =>
  typeof value === "object" && value !== null && methods.every((m) => typeof (value as Record<string, unknown>)[m] === "function");
const namespace = (name: string, className: string): RequiredBinding => ({
  name,
  kind: "Durable Object namespace",
  declare: `[[durable_objects.bindings]] name = "${name}", class_name = "${className}"`,
  present: (value) => hasMethods(value, "idFromName", "get"),
});

/** Every binding durable-cluster needs, by its exact name (the scaffold's wrangler.toml declares them all). */
export const REQUIRED_BINDINGS: readonly RequiredBinding[] = [
  namespace("SHARDS", "ShardObject"),
  namespace("SINGLETONS", "SingletonObject"),
  namespace("GATEWAYS", "GatewayObject"),
  namespace("TENANTS", "TenantObject"),
  namespace("FLEET", "FleetObject"),
  { name: "EVENTS", kind: "Queue producer", declare: `[[queues.producers]] binding = "EVENTS", queue = "events"`, present: (value) => hasMethods(value, "send", "sendBatch") },
  { name: "SAGAS", kind: "Workflow", declare: `[[workflows]] binding = "SAGAS", name = "sagas", class_name = "SagaWorkflow"`, present: (value) => hasMethods(value, "create", "get") },
  { name: "ROLLOUTS", kind: "Workflow", declare: `[[workflows]] binding = "ROLLOUTS", name = "rollouts", class_name = "RolloutWorkflow"`, present: (value) => hasMethods(value, "create", "get") },
];

/** What is wrong with one binding, or null when it is present. */
export function bindingProblem(env: object, name: string): string | null {
  const binding = REQUIRED_BINDINGS.find((b) => b.name === name);
  if (!binding) return null;
  if (binding.present((env as Record<string, unknown>)[name])) return null;
  return `binding ${name} (${binding.kind}) is missing or of another kind: declare it in wrangler.toml as ${binding.declare}`;
}

const complete = new WeakSet<object>();

/** True when every required binding is present (remembered per environment object). */
export function bindingsPresent(env: object): boolean {
  if (complete.has(env)) return true;
  if (REQUIRED_BINDINGS.some((b) => bindingProblem(env, b.name) !== null)) return false;
  complete.add(env);
  return true;
}

/** The 503 `misconfigured` error naming every missing binding (`bindings` lists their names). */
export function missingBindingsError(env: object): AppError {
  const missing = REQUIRED_BINDINGS.filter((b) => bindingProblem(env, b.name) !== null);
  return new AppError("misconfigured", missing.map((b) => bindingProblem(env, b.name)).join("; "), { extra: { bindings: missing.map((b) => b.name) } });
}

/**
 * Throws {@link missingBindingsError} unless every binding is present, so a misnamed binding is a
 * clear error on the first request instead of an undefined-property crash deep inside.
 */
export function assertBindings(env: object): void {
  if (!bindingsPresent(env)) throw missingBindingsError(env);
}
