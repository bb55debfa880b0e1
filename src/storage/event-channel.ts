/**
 * The channel of a partitioned event: its partition key, prefixed `<tenantId>:` when the event
 * carries a tenant (`channel-prefix` isolation). A channel is one sequence space at its producer
 * (the outbox), one `EventBus` owner for events published over HTTP, and one ordered stream per
 * subscriber, so two tenants' events with the same partition key never share a sequence and can
 * never stall each other. Tenant ids are slugs (no `:`), so the prefix is unambiguous.
 */
export function eventChannel(partitionKey: string, tenantId?: string): string {
  return tenantId ? `${tenantId}:${partitionKey}` : partitionKey;
}
