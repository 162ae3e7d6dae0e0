import { describe, expect, it } from "vitest";
import {
  readCollapsedWorkspaces,
  readGroupByWorkspace,
  writeCollapsedWorkspaces,
  writeGroupByWorkspace,
  type PrefStorage,
} from "./sidebarPrefs";

function memoryStorage(initial: Record<string, string> = {}): PrefStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
  };
}

const refusing: PrefStorage = {
  getItem: () => {
    throw new Error("SecurityError");
  },
  setItem: () => {
    throw new Error("QuotaExceededError");
  },
};

describe("sidebar prefs", () => {
  it("starts ungrouped with nothing folded", () => {
    const storage = memoryStorage();
    expect(readGroupByWorkspace(storage)).toBe(false);
    expect(readCollapsedWorkspaces(storage).size).toBe(0);
  });

  it("reads back what it wrote", () => {
    const storage = memoryStorage();
    writeGroupByWorkspace(true, storage);
    writeCollapsedWorkspaces(new Set(["/home/me/app", ""]), storage);
    expect(readGroupByWorkspace(storage)).toBe(true);
    expect([...readCollapsedWorkspaces(storage)], "the no-folder group's key is kept too").toEqual(["/home/me/app", ""]);
    writeGroupByWorkspace(false, storage);
    expect(readGroupByWorkspace(storage)).toBe(false);
  });

  it("treats unreadable stored values as the defaults", () => {
    const storage = memoryStorage({
      "hearth.sidebar.groupByWorkspace": "yes",
      "hearth.sidebar.collapsedWorkspaces": "{not json",
    });
    expect(readGroupByWorkspace(storage), "only \"true\" turns grouping on").toBe(false);
    expect(readCollapsedWorkspaces(storage).size, "broken JSON folds nothing").toBe(0);
    storage.items.set("hearth.sidebar.collapsedWorkspaces", JSON.stringify(["/a", 3, null, "/b"]));
    expect([...readCollapsedWorkspaces(storage)], "non-strings are dropped").toEqual(["/a", "/b"]);
  });

  it("never throws when the storage refuses, or is missing", () => {
    expect(readGroupByWorkspace(refusing)).toBe(false);
    expect(readCollapsedWorkspaces(refusing).size).toBe(0);
    expect(() => writeGroupByWorkspace(true, refusing), "a full storage only forgets").not.toThrow();
    expect(() => writeCollapsedWorkspaces(new Set(["/a"]), null)).not.toThrow();
    expect(readGroupByWorkspace(null)).toBe(false);
  });
});
