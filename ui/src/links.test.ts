import { describe, expect, it } from "vitest";
import { ALLOWED_LINK, linkKind } from "./links";

describe("links", () => {
  it("opens web links at once, asks for other schemes and never opens the dangerous ones", () => {
    for (const web of ["https://example.com/a?b#c", "http://127.0.0.1:8080/"]) expect(linkKind(web), web).toBe("web");
    for (const ask of ["mailto:a@example.com", "vscode://file/x", "slack://open", "tel:+123", "zoommtg://x"]) {
      expect(linkKind(ask), ask).toBe("ask");
      expect(ALLOWED_LINK.test(ask), `${ask} is kept by the sanitiser`).toBe(true);
    }
    for (const never of ["javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "file:///etc/passwd", "vbscript:x", "blob:https://a/b", "about:blank", "tauri://localhost/", "/relative", "example.com", ""]) {
      expect(linkKind(never), never).toBe("never");
      expect(ALLOWED_LINK.test(never), `${never} loses its address in the sanitiser`).toBe(false);
    }
    // Kept by the sanitiser (a scheme it allows) but opened by nothing: a web link needs a host.
    expect(linkKind("https://")).toBe("never");
  });
});
