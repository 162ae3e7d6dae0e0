import { describe, expect, it } from "vitest";
import { checkChatSettings, draftFrom, folderLabel, isEmptyPatch } from "./chatSettings";

const session = (workspace: string | null = null, max_steps: number | null = null) => ({ workspace, max_steps });

describe("folderLabel", () => {
  it("shows the folder's own name, or says there is none", () => {
    expect(folderLabel("/home/me/projects/hearth")).toBe("hearth");
    expect(folderLabel("/home/me/projects/hearth/")).toBe("hearth");
    expect(folderLabel("C:\\Users\\me\\code")).toBe("code");
    expect(folderLabel("/")).toBe("/");
    expect(folderLabel(null)).toBe("No folder");
    expect(folderLabel("  ")).toBe("No folder");
  });
});

describe("checkChatSettings", () => {
  it("starts from the session, and sends nothing when nothing changed", () => {
    const s = session("/w", 80);
    expect(draftFrom(s)).toEqual({ workspace: "/w", maxSteps: "80" });
    expect(draftFrom(session())).toEqual({ workspace: "", maxSteps: "" });
    const check = checkChatSettings(s, draftFrom(s));
    expect(check).toEqual({ ok: true, patch: {} });
    expect(check.ok && isEmptyPatch(check.patch)).toBe(true);
  });

  it("sends the new folder trimmed, and an empty one to clear it", () => {
    expect(checkChatSettings(session(), { workspace: "  /home/me/p ", maxSteps: "" })).toEqual({
      ok: true,
      patch: { workspace: "/home/me/p" },
    });
    expect(checkChatSettings(session("/w"), { workspace: "", maxSteps: "" })).toEqual({ ok: true, patch: { workspace: "" } });
  });

  it("sends a step limit from 1 to 500, and 0 to go back to the default", () => {
    expect(checkChatSettings(session(), { workspace: "", maxSteps: "120" })).toEqual({ ok: true, patch: { max_steps: 120 } });
    expect(checkChatSettings(session(null, 120), { workspace: "", maxSteps: "" })).toEqual({
      ok: true,
      patch: { max_steps: 0 },
    });
    for (const bad of ["0", "501", "2.5", "-3", "ten", "1e2"]) {
      const check = checkChatSettings(session(), { workspace: "", maxSteps: bad });
      expect(check.ok, `${bad} is refused`).toBe(false);
      if (!check.ok) expect(check.problem).toMatch(/1 to 500/);
    }
  });
});
