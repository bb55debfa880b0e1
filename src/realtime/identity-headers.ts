/** Headers the Worker sets on an upgrade or SSE request it forwards to a gateway, after verifying the user token. */
export const IDENTITY_HEADERS = { user: "x-cluster-user", tenant: "x-cluster-tenant" } as const;
