import { describe, expect, it } from "vitest";
import { MAX_TITLE_CHARS, titleProblem } from "./validation";

describe("titleProblem", () => {
  it("refuses an empty title", () => {
    expect(titleProblem("")).toMatch(/empty/);
  });

  it("accepts 1 to 200 characters and refuses 201", () => {
    expect(MAX_TITLE_CHARS).toBe(200);
    expect(titleProblem("a")).toBeNull();
    expect(titleProblem("a".repeat(200))).toBeNull();
    expect(titleProblem("a".repeat(201))).toMatch(/200/);
  });

  it("counts code points like the backend, so 200 emoji are allowed", () => {
    expect(titleProblem("🔥".repeat(200)), "400 UTF-16 units but 200 characters").toBeNull();
    expect(titleProblem("🔥".repeat(201))).not.toBeNull();
  });
});
