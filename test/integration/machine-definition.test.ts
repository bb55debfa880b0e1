import { describe, expect, it } from "vitest";
import { OrderMachine } from "../../examples/demo/order.ts";
import { AppError } from "../../src/spec/index.ts";

type OrderState = Parameters<typeof OrderMachine.transition>[0];
type OrderEvent = Parameters<typeof OrderMachine.transition>[1];

const STATES: OrderState[] = [{ state: "pending" }, { state: "paid", amount: 5 }, { state: "shipped", amount: 5 }, { state: "cancelled", reason: "x" }];
const EVENTS: OrderEvent[] = [{ type: "pay", amount: 5 }, { type: "ship" }, { type: "cancel", reason: "r" }];
const VALID = new Set(["pending:pay", "pending:cancel", "paid:ship", "paid:cancel"]);

describe("the Order transition table", () => {
  it("accepts exactly pending → paid → shipped and pending | paid → cancelled", () => {
    expect(OrderMachine.edges().map((e) => `${e.state}:${e.event}`).sort()).toEqual([...VALID].sort());
    expect(OrderMachine.transition({ state: "pending" }, { type: "pay", amount: 7 })).toEqual({ state: "paid", amount: 7 });
    expect(OrderMachine.transition({ state: "paid", amount: 7 }, { type: "ship" })).toEqual({ state: "shipped", amount: 7 });
  });

  it.each(STATES.flatMap((s) => EVENTS.map((e) => [s, e] as const)))("%o with %o: valid only if the table says so", (state, event) => {
    const valid = VALID.has(`${state.state}:${event.type}`);
    expect(OrderMachine.can(state, event)).toBe(valid);
    if (valid) return;
    try {
      OrderMachine.transition(state, event);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect(err).toMatchObject({ code: "invalid_transition", status: 409, extra: { state: state.state, event: event.type } });
    }
  });

  it("does not treat inherited keys as transitions", () => {
    expect(OrderMachine.can({ state: "pending" }, { type: "toString" } as unknown as OrderEvent)).toBe(false);
  });
});
