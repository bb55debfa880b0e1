import { describe, expect, it } from "vitest";
import { checkOutboundUrl, isPrivateHost } from "../../src/security/ssrf.ts";

const refused = (url: string) => checkOutboundUrl(url, { allowPrivate: false }).ok === false;

describe("SSRF guard", () => {
  it.each([
    "http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "https://[::1]/", "http://example.com/",
    "https://localhost/", "https://api.localhost/", "https://metadata.google.internal/", "https://2130706433/", "https://0x7f.1/",
    "https://[::ffff:127.0.0.1]/", "https://[fd00::1]/", "https://[fe80::1]/", "https://100.64.0.1/", "https://192.168.1.1/",
    "https://172.16.5.4/", "https://user:pw@example.com/", "ftp://example.com/", "https://printer/", "https://8.8.8.8/",
  ])("refuses %s", (url) => {
    expect(refused(url)).toBe(true);
  });

  it.each([
    "https://localhost../", "https://localhost.../x", "https://LOCALHOST./", "https://localhost.localdomain/", "https://box.localdomain./",
    "https://kubernetes.default.svc/", "https://api.default.svc.cluster.local/", "https://router.lan/", "https://wiki.corp/",
    "https://nas.home.arpa/", "https://printer.local/", "https://db.internal/", "https://metadata/", "https://metadata./",
    "https://ｌｏｃａｌｈｏｓｔ/", "https://ＷＩＫＩ.ＣＯＲＰ/", "https://xn--nxasmq6b.lan/", "https://0177.0.0.1/", "https://127.1/",
  ])("refuses the internal name %s, after normalising it", (url) => {
    expect(refused(url)).toBe(true);
  });

  it.each(["https://lan.example.com/", "https://corp.example/", "https://svc.example.com/", "https://localdomain.example.org/", "https://münchen.de/"])("allows the public name %s", (url) => {
    expect(refused(url)).toBe(false);
  });

  it.each(["https://example.com/hook", "https://hooks.example.co.uk:8443/a?b=c", "https://172.32.0.1.example.com/"])("allows %s", (url) => {
    expect(refused(url)).toBe(false);
  });

  it("lets http and private hosts through only with the development flag", () => {
    expect(checkOutboundUrl("http://127.0.0.1:9999/x", { allowPrivate: true }).ok).toBe(true);
    expect(checkOutboundUrl("file:///etc/passwd", { allowPrivate: true }).ok).toBe(false);
  });

  it("classifies hosts", () => {
    expect(isPrivateHost("172.31.255.255")).toBe(true);
    expect(isPrivateHost("172.32.0.1")).toBe(false);
    expect(isPrivateHost("[::ffff:a00:1]")).toBe(true);
  });
});
