import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Memory } from "../bindings/Memory";
import { MAX_CORE, MEMORY_SEARCH_DEBOUNCE_MS, MemorySettings, type MemorySettingsProps } from "./MemorySettings";

const memory = (id: string, tier: Memory["tier"], kind: Memory["kind"], text: string): Memory => ({
  id,
  tier,
  kind,
  text,
  created_at: Date.UTC(2026, 10, 1),
  updated_at: Date.UTC(2026, 10, 2),
});

const MEMORIES = [
  memory("m1", "core", "profile", "Name: Ada"),
  memory("m2", "archival", "relationship", "Her dog is called Rex"),
  memory("m3", "archival", "preference", "Prefers metric units"),
];

function renderMemory(overrides: Partial<MemorySettingsProps> = {}) {
  const props: MemorySettingsProps = {
    memories: MEMORIES,
    failed: false,
    onReload: vi.fn(),
    onSearch: vi.fn(() => Promise.resolve([])),
    onAdd: vi.fn(() => Promise.resolve(null)),
    onUpdate: vi.fn(() => Promise.resolve(null)),
    onRemove: vi.fn(() => Promise.resolve(null)),
    ...overrides,
  };
  render(<MemorySettings {...props} />);
  return props;
}

const texts = (testId: string) => within(screen.getByTestId(testId)).queryAllByTestId("memory-text").map((e) => e.textContent);

describe("MemorySettings", () => {
  it("shows core memories (and how many of 50) apart from archival ones, each with its kind", () => {
    renderMemory();
    expect(screen.getByText(`Core — in every chat (1/${MAX_CORE})`)).toBeTruthy();
    expect(texts("memory-core")).toEqual(["Name: Ada"]);
    expect(texts("memory-archival")).toEqual(["Her dog is called Rex", "Prefers metric units"]);
    expect(within(screen.getByTestId("memory-core")).getByTestId("memory-kind").textContent).toBe("Profile");
  });

  it("explains memories when there are none, and retries a failed load", async () => {
    const user = userEvent.setup();
    const { onReload } = renderMemory({ memories: [] });
    expect(screen.getByTestId("memory-empty").textContent).toContain("memory tool");
    document.body.innerHTML = "";
    renderMemory({ memories: null, failed: true, onReload });
    await user.click(screen.getByTestId("memories-retry"));
    expect(onReload).toHaveBeenCalled();
  });

  it("searches once typing pauses, shows what was found, and clears with Escape", async () => {
    const user = userEvent.setup();
    const onSearch = vi.fn((q: string) => Promise.resolve(q === "dog" ? [MEMORIES[1]!] : []));
    renderMemory({ onSearch });
    await user.type(screen.getByTestId("memory-search"), "dog");
    await act(() => new Promise((r) => setTimeout(r, MEMORY_SEARCH_DEBOUNCE_MS + 50)));
    expect(onSearch.mock.calls.map((c) => c[0])).toEqual(["dog"]);
    expect(texts("memory-found")).toEqual(["Her dog is called Rex"]);
    await user.clear(screen.getByTestId("memory-search"));
    await user.type(screen.getByTestId("memory-search"), "zebra");
    await act(() => new Promise((r) => setTimeout(r, MEMORY_SEARCH_DEBOUNCE_MS + 50)));
    expect(screen.getByTestId("memory-found").textContent).toContain("No memory mentions “zebra”");
    await user.keyboard("{Escape}");
    expect(texts("memory-core")).toEqual(["Name: Ada"]);
  });

  it("edits a memory in place sending only what changed, moves it between core and archival, and forgets it", async () => {
    const user = userEvent.setup();
    const props = renderMemory();
    const rex = within(screen.getByTestId("memory-archival")).getAllByTestId("memory-item")[0]!;
    await user.click(within(rex).getByTestId("memory-edit"));
    const text = screen.getByTestId("memory-edit-text");
    await user.clear(text);
    await user.type(text, "Her dog is called Rex, a beagle");
    await user.click(screen.getByTestId("memory-edit-save"));
    expect(props.onUpdate).toHaveBeenCalledWith("m2", { text: "Her dog is called Rex, a beagle" });
    expect(screen.queryByTestId("memory-edit-form")).toBeNull();

    await user.click(within(rex).getByTestId("memory-move"));
    expect(props.onUpdate).toHaveBeenLastCalledWith("m2", { tier: "core" });
    const ada = within(screen.getByTestId("memory-core")).getByTestId("memory-item");
    expect(within(ada).getByTestId("memory-move").textContent).toBe("Make archival");
    await user.click(within(ada).getByTestId("memory-remove"));
    expect(props.onRemove).toHaveBeenCalledWith("m1");
  });

  it("shows why a change was refused, on its row", async () => {
    const user = userEvent.setup();
    renderMemory({ onUpdate: vi.fn(() => Promise.resolve({ code: "INVALID_INPUT" as const, message: "a memory needs text" })) });
    const rex = within(screen.getByTestId("memory-archival")).getAllByTestId("memory-item")[0]!;
    await user.click(within(rex).getByTestId("memory-move"));
    expect(within(rex).getByTestId("memory-error").textContent).toContain("a memory needs text");
  });

  it("adds a memory, refusing an empty one before asking, and cannot add to a full core", async () => {
    const user = userEvent.setup();
    const props = renderMemory();
    await user.click(screen.getByTestId("memory-add-submit"));
    expect(screen.getByTestId("memory-add-error").textContent).toContain("Write what to remember");
    expect(props.onAdd).not.toHaveBeenCalled();
    await user.type(screen.getByTestId("memory-add-text"), "Lives in Lisbon");
    await user.selectOptions(screen.getByTestId("memory-add-kind"), "profile");
    await user.selectOptions(screen.getByTestId("memory-add-tier"), "core");
    await user.click(screen.getByTestId("memory-add-submit"));
    expect(props.onAdd).toHaveBeenCalledWith({ text: "Lives in Lisbon", kind: "profile", tier: "core" });
    expect((screen.getByTestId("memory-add-text") as HTMLTextAreaElement).value).toBe("");

    document.body.innerHTML = "";
    const full = Array.from({ length: MAX_CORE }, (_, i) => memory(`c${i}`, "core", "fact", `Fact ${i}`));
    renderMemory({ memories: [...full, MEMORIES[1]!] });
    const core = within(screen.getByTestId("memory-add-tier")).getByRole("option", { name: /Core/ }) as HTMLOptionElement;
    expect(core.disabled).toBe(true);
    const rex = within(screen.getByTestId("memory-archival")).getByTestId("memory-item");
    expect((within(rex).getByTestId("memory-move") as HTMLButtonElement).disabled).toBe(true);
  });
});
