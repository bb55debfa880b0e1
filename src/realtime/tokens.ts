import { errors, jwtVerify, SignJWT } from "jose";
import { AppError, MIN_PRODUCTION_TOKEN_LENGTH, UserClaimsSchema, type RuntimeConfig, type TenantId, type UserClaims, type UserId } from "../spec/index.ts";
import { clock } from "../clock.ts";

const encoder = new TextEncoder();
const ALGORITHM = "HS256";

/** The HS256 key of user tokens; refuses to work without `AUTH_SECRET` (and, in production, a short one). */
function secretKey(config: RuntimeConfig): Uint8Array {
  const secret = config.AUTH_SECRET ?? "";
  const minimum = config.ENVIRONMENT === "production" ? MIN_PRODUCTION_TOKEN_LENGTH : 1;
  if (secret.length < minimum) throw new AppError("misconfigured", `AUTH_SECRET must be set (at least ${minimum} characters)`);
  return encoder.encode(secret);
}

/**
 * Mints a user token: a JWT signed HS256 with `AUTH_SECRET`, claims `sub`, `exp` and optional
 * `tenant`. For development and tests (`POST /v1/auth/tokens`); production apps usually mint their own.
 */
export async function mintUserToken(config: RuntimeConfig, sub: UserId, ttlSeconds: number, tenant?: TenantId): Promise<{ token: string; expiresAt: string }> {
  const iat = Math.floor(clock.now() / 1000);
  const exp = iat + ttlSeconds;
  const token = await new SignJWT(tenant ? { tenant } : {}).setProtectedHeader({ alg: ALGORITHM, typ: "JWT" }).setSubject(sub).setIssuedAt(iat).setExpirationTime(exp).sign(secretKey(config));
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/**
 * Verifies a user token (signature in constant time by WebCrypto, `exp` required, HS256 only) and
 * returns its claims. Any failure is a 401 `unauthorized` that says why, never which secret.
 */
export async function verifyUserToken(config: RuntimeConfig, token: string): Promise<UserClaims> {
  const key = secretKey(config);
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], requiredClaims: ["sub", "exp"], currentDate: new Date(clock.now()) });
    const claims = UserClaimsSchema.safeParse(payload);
    if (!claims.success) throw new AppError("unauthorized", "token claims are invalid");
    return claims.data;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const reason = err instanceof errors.JWTExpired ? "token expired" : "invalid token";
    throw new AppError("unauthorized", reason, { headers: { "WWW-Authenticate": 'Bearer realm="durable-cluster", error="invalid_token"' } });
  }
}
