import { describe, expect, it } from "vitest";
import { type Attempt, describeFailure, FirstContact, shownUrl } from "../../src/client/cli/reach";

const failed = (message: string, code?: string, url = "ws://chat.example:8787/chat/lobby"): Attempt => ({
  url,
  opened: false,
  failure: Object.assign(new Error(message), code ? { code } : {}),
});

describe("why a connection could not be made", () => {
  it("names refused connections, DNS, TLS and HTTP answers", () => {
    expect(describeFailure(failed("connect ECONNREFUSED 127.0.0.1:9", "ECONNREFUSED"))).toBe(
      "connection refused (nothing listens on chat.example:8787; is the server running?)",
    );
    expect(describeFailure(failed("getaddrinfo ENOTFOUND chat.example", "ENOTFOUND"))).toBe(
      "DNS: no such host chat.example",
    );
    expect(describeFailure(failed("getaddrinfo EAI_AGAIN chat.example", "EAI_AGAIN"))).toMatch(
      /^DNS: could not look up/,
    );
    expect(describeFailure(failed("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"))).toBe(
      "TLS: self-signed certificate",
    );
    expect(describeFailure(failed("Hostname/IP does not match", "ERR_TLS_CERT_ALTNAME_INVALID"))).toBe(
      "TLS: Hostname/IP does not match",
    );
    const plainPort =
      "write EPROTO 80EC9:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:";
    expect(describeFailure(failed(plainPort, "EPROTO"))).toBe(
      "TLS: chat.example:8787 does not answer in TLS (wrong version number); for a server without it, use http:// or ws://",
    );
    expect(describeFailure(failed("Unexpected server response: 404"))).toBe(
      "HTTP 404 Not Found (nothing there: is this a Hallway server?)",
    );
    expect(describeFailure(failed("Unexpected server response: 429"))).toMatch(
      /^HTTP 429 Too Many Requests \(too many joins/,
    );
    expect(describeFailure(failed("Unexpected server response: 502"))).toBe("HTTP 502 Bad Gateway");
  });

  it("tells a silent server from one that closed the connection", () => {
    expect(describeFailure({ url: "ws://x/chat/a", opened: false, failure: null })).toBe("no answer within 4 s");
    expect(describeFailure({ url: "ws://x/chat/a", opened: true, failure: null })).toBe(
      "the server closed the connection",
    );
  });

  it("never prints the session from the query", () => {
    expect(shownUrl("wss://h.example/chat/ops?username=bob&session=secret123")).toBe("wss://h.example/chat/ops");
  });
});

describe("tries before the first connection", () => {
  it("gives up after the retries, saying each reason once", () => {
    const contact = new FirstContact(2);
    expect(contact.failed("refused")).toEqual({ giveUp: false, say: "refused" });
    expect(contact.failed("refused")).toEqual({ giveUp: false, say: null });
    expect(contact.failed("HTTP 503")).toEqual({ giveUp: true, say: "HTTP 503" });
    expect(contact.tries).toBe(3);
  });

  it("has no bound once it has connected", () => {
    const contact = new FirstContact(0);
    contact.succeeded();
    for (let i = 0; i < 50; i++) expect(contact.failed("refused").giveUp).toBe(false);
  });
});
