import { act, render, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { useDraftForm } from "./useDraftForm";

type Field = "name" | "url";
const ORDER: readonly Field[] = ["name", "url"];

describe("useDraftForm", () => {
  it("puts the cursor in the first field, in order, that the check found wrong", () => {
    const { result } = renderHook(() => useDraftForm({ name: "", url: "" }, ORDER));
    const fields = render(
      <form>
        <input data-testid="name" ref={result.current.fieldRef("name")} />
        <input data-testid="url" ref={result.current.fieldRef("url")} />
      </form>,
    );
    act(() => result.current.reject({ url: "Not a URL", name: "Required" }));
    expect(document.activeElement).toBe(fields.getByTestId("name"));
    expect(result.current.shownProblems).toEqual(["name", "url"]);

    act(() => result.current.edit({ name: "docs" }));
    expect(result.current.draft).toEqual({ name: "docs", url: "" });
    expect(result.current.shownProblems, "editing clears them").toEqual([]);
  });

  it("waits while saving, says why a save was refused, and forgets it on the next edit", async () => {
    const { result } = renderHook(() => useDraftForm({ name: "docs" }, ["name"] as const));
    let finish: (error: { code: "INVALID_INPUT"; message: string } | null) => void = () => undefined;
    let saved: Promise<boolean> = Promise.resolve(true);
    act(() => {
      saved = result.current.save(() => new Promise((resolve) => (finish = resolve)));
    });
    expect(result.current.submitting).toBe(true);
    await act(async () => finish({ code: "INVALID_INPUT", message: "taken" }));
    expect(await saved).toBe(false);
    expect(result.current).toMatchObject({ submitting: false, failure: { message: "taken" } });

    act(() => result.current.edit({ name: "docs2" }));
    expect(result.current.failure).toBeNull();
    await act(async () => {
      expect(await result.current.save(() => Promise.resolve(null))).toBe(true);
    });
  });
});
