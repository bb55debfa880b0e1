import { describe, expect, it } from "vitest";
import { Mailbox } from "../../src/shards/mailbox.ts";
import { inboxRetryDelay } from "../../src/shards/inbox.ts";
import { storedMessageId } from "../../src/shards/dedup.ts";
import { AppError } from "../../src/spec/index.ts";

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("Mailbox", () => {
  it("runs one message at a time per key, in arrival order", async () => {
    const mailbox = new Mailbox(100);
    const log: string[] = [];
    const job = (name: string, ms: number) => mailbox.run("k", async () => {
      log.push(`start ${name}`);
      await tick(ms);
      log.push(`end ${name}`);
    });
    await Promise.all([job("a", 30), job("b", 1), job("c", 1)]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("holds one key to a quarter of the capacity, counting its stored messages too, and frees its share as messages finish", async () => {
    const mailbox = new Mailbox(8); // a key may hold 2
    let open = (): void => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const held = [mailbox.run("hot", () => gate), mailbox.run("hot", () => gate)];
    expect(() => mailbox.admit(0, "hot")).toThrow(AppError);
    expect(() => mailbox.admit(0, "cold")).not.toThrow();
    expect(() => mailbox.admit(0, "cold", 2)).toThrow(/its share of the shard's 8/);
    open();
    await Promise.all(held);
    expect(() => mailbox.admit(0, "hot")).not.toThrow();
    expect(new Mailbox(1).keyCapacity).toBe(1);
  });

  it("runs different keys concurrently", async () => {
    const mailbox = new Mailbox(100);
    let running = 0;
    let peak = 0;
    const job = (key: string) => mailbox.run(key, async () => {
      peak = Math.max(peak, ++running);
      await tick(20);
      running--;
    });
    await Promise.all(["a", "b", "c"].map(job));
    expect(peak).toBe(3);
  });

  it("keeps going after a failed message", async () => {
    const mailbox = new Mailbox(10);
    await expect(mailbox.run("k", () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(mailbox.run("k", () => Promise.resolve(1))).resolves.toBe(1);
    expect(mailbox.pending).toBe(0);
  });

  it("refuses past its capacity with mailbox_full and Retry-After", async () => {
    const mailbox = new Mailbox(2);
    const gate = Promise.withResolvers<void>();
    const held = [mailbox.run("k", () => gate.promise), mailbox.run("k", () => gate.promise)];
    let error: unknown;
    try {
      mailbox.admit();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("mailbox_full");
    expect((error as AppError).headers["Retry-After"]).toBe("1");
    expect(() => new Mailbox(2).admit(2)).toThrow(/2 pending/);
    gate.resolve();
    await Promise.all(held);
    expect(() => mailbox.admit()).not.toThrow();
  });

  it("does not count messages already counted as inbox rows", async () => {
    const mailbox = new Mailbox(1);
    const gate = Promise.withResolvers<void>();
    const held = mailbox.run("k", () => gate.promise, false);
    expect(mailbox.pending).toBe(0);
    gate.resolve();
    await held;
  });
});

describe("inbox retry delay", () => {
  it("doubles from 1 s and caps at 60 s", () => {
    expect([1, 2, 3, 4, 5, 8].map(inboxRetryDelay)).toEqual([1000, 2000, 4000, 8000, 16000, 60000]);
  });
});

describe("stored message ids", () => {
  it("keeps ids up to 64 characters and hashes longer ones", () => {
    expect(storedMessageId("a".repeat(64))).toBe("a".repeat(64));
    expect(storedMessageId("a".repeat(65))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(storedMessageId("a".repeat(65))).toBe(storedMessageId("a".repeat(65)));
  });
});
