import { act, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { SearchHit } from "../bindings/SearchHit";
import type { SearchResults } from "../bindings/SearchResults";
import { isSearchShortcut } from "../shortcuts";
import { MessageSearch, SEARCH_DEBOUNCE_MS } from "./MessageSearch";

function hit(id: string, parts: [string, boolean][], title = "Deploy notes", active = true): SearchHit {
  return {
    active,
    session_id: `s-${id}`,
    session_title: title,
    message_id: id,
    shown_in: id,
    role: "user",
    snippet: parts.map(([text, hit]) => ({ text, hit })),
    created_at: 1,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function setup(search: (q: string, limit: number) => Promise<SearchResults>) {
  const onOpenHit = vi.fn();
  const onActiveChange = vi.fn();
  const user = userEvent.setup();
  render(<MessageSearch search={search} onOpenHit={onOpenHit} onActiveChange={onActiveChange} />);
  return { user, onOpenHit, onActiveChange, input: screen.getByTestId("search-input") };
}

describe("MessageSearch", () => {
  it("marks the matched words and shows HTML in a snippet as text", async () => {
    const search = vi.fn().mockResolvedValue({
      hits: [hit("m1", [["why does the ", false], ["deploy", true], [" <img src=x onerror=alert(1)>", false]])],
    });
    const { user, input } = setup(search);
    await user.type(input, "depl");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    const found = await screen.findByTestId("search-hit");
    expect([...found.querySelectorAll("mark")].map((m) => m.textContent)).toEqual(["deploy"]);
    expect(found.querySelector("img")).toBeNull();
    expect(found.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(found.dataset.messageId).toBe("m1");
    expect(found.dataset.sessionId).toBe("s-m1");
    expect(screen.queryByTestId("search-hit-version"), "on the chat as shown").toBeNull();
  });

  it("marks a hit on a version an edit replaced", async () => {
    const search = vi.fn().mockResolvedValue({ hits: [hit("m1", [["old ", false], ["plan", true]], "Plans", false)] });
    const { user, input, onOpenHit } = setup(search);
    await user.type(input, "plan");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    const found = await screen.findByTestId("search-hit");
    expect(found.dataset.active).toBe("false");
    expect(screen.getByTestId("search-hit-version").textContent).toBe("earlier version");
    await user.click(found);
    expect(onOpenHit).toHaveBeenCalledWith(expect.objectContaining({ message_id: "m1", active: false }));
  });

  it("waits for typing to pause and shows only the latest query's answer", async () => {
    const answers = new Map<string, (r: SearchResults) => void>();
    const search = vi.fn((q: string) => new Promise<SearchResults>((resolve) => answers.set(q, resolve)));
    const { user, input } = setup(search);
    await user.type(input, "ab");
    expect(search).not.toHaveBeenCalled();
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    expect(search.mock.calls.map((c) => c[0])).toEqual(["ab"]);
    await user.type(input, "c");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    expect(search.mock.calls.map((c) => c[0])).toEqual(["ab", "abc"]);

    // The newer answer first, then the older one late: the older one is dropped.
    await act(async () => answers.get("abc")!({ hits: [hit("new", [["abc", true]])] }));
    await act(async () => answers.get("ab")!({ hits: [hit("old", [["ab", true]])] }));
    const shown = screen.getAllByTestId("search-hit").map((h) => h.dataset.messageId);
    expect(shown).toEqual(["new"]);
  });

  it("says when nothing matches, opens a hit, and clears with Escape", async () => {
    const search = vi.fn(async (q: string) => ({ hits: q === "zz" ? [] : [hit("m9", [["quota", true]])] }));
    const { user, input, onOpenHit, onActiveChange } = setup(search);
    await user.type(input, "zz");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    expect(await screen.findByTestId("search-empty")).toBeTruthy();
    expect(onActiveChange).toHaveBeenLastCalledWith(true);

    await user.clear(input);
    await user.type(input, "quo");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    await user.click(await screen.findByTestId("search-hit"));
    expect(onOpenHit).toHaveBeenCalledWith(expect.objectContaining({ message_id: "m9" }));

    await user.type(input, "{Escape}");
    expect((input as HTMLInputElement).value).toBe("");
    expect(screen.queryByTestId("search-results")).toBeNull();
    expect(onActiveChange).toHaveBeenLastCalledWith(false);
  });

  it("shows a failed search instead of stale results", async () => {
    const search = vi.fn().mockRejectedValue({ code: "INVALID_INPUT", message: "a search is at most 500 characters" });
    const { user, input } = setup(search);
    await user.type(input, "x");
    await act(() => pause(SEARCH_DEBOUNCE_MS + 50));
    expect((await screen.findByRole("alert")).textContent).toContain("at most 500 characters");
  });

  it("Ctrl+K and Cmd+K are the search shortcut", () => {
    expect(isSearchShortcut({ key: "k", ctrlKey: true, metaKey: false, altKey: false })).toBe(true);
    expect(isSearchShortcut({ key: "K", ctrlKey: false, metaKey: true, altKey: false })).toBe(true);
    expect(isSearchShortcut({ key: "k", ctrlKey: false, metaKey: false, altKey: false })).toBe(false);
    expect(isSearchShortcut({ key: "k", ctrlKey: true, metaKey: false, altKey: true })).toBe(false);
  });
});
