import { decode, encode } from "@msgpack/msgpack";

/** The frame encodings: `json` text frames (default) or `msgpack` binary frames (subprotocol `msgpack`). */
export type FrameProtocol = "json" | "msgpack";

/** Picks the encoding from the offered `Sec-WebSocket-Protocol` list: `msgpack` if offered, `json` otherwise. */
export function chooseProtocol(offered: string | null): { protocol: FrameProtocol; echo?: string } {
  const names = (offered ?? "").split(",").map((p) => p.trim()).filter(Boolean);
  if (names.includes("msgpack")) return { protocol: "msgpack", echo: "msgpack" };
  return names.includes("json") ? { protocol: "json", echo: "json" } : { protocol: "json" };
}

/** Size of a frame in bytes (a text frame's UTF-8 length, computed only when it could be over `limit`). */
export function frameBytes(frame: string | ArrayBuffer, limit: number): number {
  if (typeof frame !== "string") return frame.byteLength;
  return frame.length * 3 <= limit ? frame.length : new TextEncoder().encode(frame).byteLength;
}

/** The result of decoding: a value, or a parse error (never a throw). */
export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Decodes a frame. JSON sockets take text frames (a binary frame is a parse error); msgpack sockets
 * take binary frames and also accept JSON text, so a browser console can still talk to them.
 */
export function decodeFrame(frame: string | ArrayBuffer, protocol: FrameProtocol): Decoded {
  try {
    if (typeof frame === "string") return { ok: true, value: JSON.parse(frame) as unknown };
    if (protocol === "json") return { ok: false, reason: "binary frames need the msgpack subprotocol" };
    return { ok: true, value: decode(new Uint8Array(frame)) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : "unreadable frame" };
  }
}

/** Encodes a frame for a socket's protocol. */
export function encodeFrame(value: unknown, protocol: FrameProtocol): string | Uint8Array {
  return protocol === "msgpack" ? encode(value) : JSON.stringify(value);
}
