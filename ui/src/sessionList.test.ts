import { describe, expect, it } from "vitest";
import type { SessionPage } from "./bindings/SessionPage";
import {
  compareSessions,
  groupByWorkspace,
  groupSessions,
  initialSessionListState,
  NO_FOLDER,
  mergeSessions,
  sessionListReducer,
  type SessionListAction,
  type SessionListState,
} from "./sessionList";
import { ids, session } from "./test/fixtures";

const run = (actions: SessionListAction[], state: SessionListState = initialSessionListState) =>
  actions.reduce(sessionListReducer, state);

const page = (sessions: SessionPage["sessions"], next_cursor: string | null = null): SessionListAction => ({
  type: "pageLoaded",
  page: { sessions, next_cursor },
});

describe("compareSessions (backend order: pinned desc, activity desc, id desc)", () => {
  it("puts pinned sessions before unpinned ones even when they are older", () => {
    const oldPinned = session("a", 1, { pinned: true });
    const fresh = session("b", 9_999);
    expect(ids([fresh, oldPinned].sort(compareSessions)), "pinned first regardless of activity").toEqual(["a", "b"]);
  });

  it("orders by last message time, falling back to creation time when there are no messages", () => {
    const createdLateNoMessages = session("late", 5_000);
    const createdEarlyRecentMessage = session("early", 1_000, { last_message_at: 8_000 });
    const createdMiddle = session("mid", 3_000);
    expect(
      ids([createdMiddle, createdLateNoMessages, createdEarlyRecentMessage].sort(compareSessions)),
      "a recent message beats a late creation; COALESCE(last_message_at, created_at)",
    ).toEqual(["early", "late", "mid"]);
  });

  it("breaks activity ties by id descending, comparing ids as plain strings (not numbers)", () => {
    const tie = [session("10", 500), session("9", 500), session("b", 500), session("a", 500)];
    expect(ids([...tie].sort(compareSessions)), "'b' > 'a' > '9' > '10' as strings").toEqual(["b", "a", "9", "10"]);
  });

  it("applies the id tie-break inside the pinned group too", () => {
    const sorted = [session("x", 1, { pinned: true }), session("y", 1, { pinned: true })].sort(compareSessions);
    expect(ids(sorted)).toEqual(["y", "x"]);
  });
});

describe("mergeSessions", () => {
  it("keeps the copy with the later updated_at when an id appears twice", () => {
    const stale = session("a", 1, { title: "old", updated_at: 10 });
    const fresh = session("a", 1, { title: "new", updated_at: 20 });
    expect(mergeSessions([fresh], [stale], new Set())[0]?.title, "an older copy from a page must not undo a rename").toBe(
      "new",
    );
    expect(mergeSessions([stale], [fresh], new Set())[0]?.title).toBe("new");
  });

  it("drops sessions that come back with deleted_at set", () => {
    const merged = mergeSessions([session("a")], [session("a", 1_000, { deleted_at: 5, updated_at: 5_000 })], new Set());
    expect(merged, "a soft-deleted session is not listed").toEqual([]);
  });
});

describe("sessionListReducer: pages", () => {
  it("starts empty, with more to load", () => {
    expect(initialSessionListState.sessions).toEqual([]);
    expect(initialSessionListState.hasMore).toBe(true);
    expect(initialSessionListState.loaded).toBe(false);
  });

  it("records the cursor and whether another page exists", () => {
    const s1 = run([{ type: "loadStarted" }, page([session("b", 2), session("a", 1)], "cursor-1")]);
    expect(s1.loading).toBe(false);
    expect(s1.loaded).toBe(true);
    expect(s1.nextCursor).toBe("cursor-1");
    expect(s1.hasMore, "a non-null next_cursor means there is another page").toBe(true);

    const s2 = run([page([], null)], s1);
    expect(s2.hasMore, "a null next_cursor ends the list").toBe(false);
    expect(s2.nextCursor).toBeNull();
  });

  it("never lists a session twice when pages overlap", () => {
    // Page 2 repeats the end of page 1 (e.g. a row moved between the two requests).
    const page1 = [session("e", 5), session("d", 4), session("c", 3)];
    const page2 = [session("c", 3), session("d", 4), session("b", 2), session("a", 1)];
    const state = run([page(page1, "c1"), page(page2, null)]);
    expect(ids(state.sessions), "each id once, in order").toEqual(["e", "d", "c", "b", "a"]);
  });

  it("re-sorts after a merge, so a pinned session found on a later page moves to the top", () => {
    const state = run([page([session("c", 3), session("b", 2)], "c1"), page([session("a", 1, { pinned: true })])]);
    expect(ids(state.sessions)).toEqual(["a", "c", "b"]);
  });

  it("marks a failed load and clears the mark on the next attempt", () => {
    const failed = run([{ type: "loadStarted" }, { type: "loadFailed" }]);
    expect(failed.loadFailed).toBe(true);
    expect(failed.loading).toBe(false);
    expect(failed.hasMore, "a failure is not the end of the list").toBe(true);
    expect(run([{ type: "loadStarted" }], failed).loadFailed).toBe(false);
  });
});

describe("sessionListReducer: changes", () => {
  const loaded = run([page([session("c", 300), session("b", 200), session("a", 100)], "cur")]);

  it("inserts a created session at its place (most recent first, after pins)", () => {
    const pinned = run([{ type: "upserted", session: session("p", 1, { pinned: true, updated_at: 2 }) }], loaded);
    const created = run([{ type: "upserted", session: session("new", 999) }], pinned);
    expect(ids(created.sessions), "new chat goes right under the pinned group").toEqual(["p", "new", "c", "b", "a"]);
  });

  it("replaces a renamed session in place without duplicating it", () => {
    const renamed = session("b", 200, { title: "Renamed", updated_at: 500 });
    const state = run([{ type: "upserted", session: renamed }], loaded);
    expect(ids(state.sessions)).toEqual(["c", "b", "a"]);
    expect(state.sessions[1]?.title).toBe("Renamed");
  });

  it("moves a session to the top when pinned and back to its activity slot when unpinned", () => {
    const pinned = run([{ type: "upserted", session: session("a", 100, { pinned: true, updated_at: 400 }) }], loaded);
    expect(ids(pinned.sessions), "pinned first").toEqual(["a", "c", "b"]);
    const unpinned = run([{ type: "upserted", session: session("a", 100, { pinned: false, updated_at: 401 }) }], pinned);
    expect(ids(unpinned.sessions), "back by activity").toEqual(["c", "b", "a"]);
  });

  it("ignores an upsert older than what is shown unless forced (used for rollbacks)", () => {
    const newer = run([{ type: "upserted", session: session("b", 200, { title: "New", updated_at: 900 }) }], loaded);
    const stale = session("b", 200, { title: "Stale", updated_at: 300 });
    expect(run([{ type: "upserted", session: stale }], newer).sessions[1]?.title).toBe("New");
    expect(run([{ type: "upserted", session: stale, force: true }], newer).sessions[1]?.title).toBe("Stale");
  });

  it("removes a deleted session and keeps it out even if a page still contains it", () => {
    const removed = run([{ type: "removed", id: "b" }], loaded);
    expect(ids(removed.sessions)).toEqual(["c", "a"]);
    const afterPage = run([page([session("b", 200, { updated_at: 999 })], null)], removed);
    expect(ids(afterPage.sessions), "a page fetched before the delete landed must not resurrect it").toEqual(["c", "a"]);
    const afterUpsert = run([{ type: "upserted", session: session("b", 200, { updated_at: 1_000 }) }], removed);
    expect(ids(afterUpsert.sessions), "a late rename response must not resurrect it").toEqual(["c", "a"]);
  });

  it("reinserts a restored session in order and lets it be updated again", () => {
    const removed = run([{ type: "removed", id: "b" }], loaded);
    const restored = run([{ type: "restored", session: session("b", 200, { updated_at: 50 }) }], removed);
    expect(ids(restored.sessions), "back between c and a").toEqual(["c", "b", "a"]);
    expect(restored.removed.has("b")).toBe(false);
    const renamed = run([{ type: "upserted", session: session("b", 200, { title: "Again", updated_at: 60 }) }], restored);
    expect(renamed.sessions[1]?.title).toBe("Again");
  });

  it("does not mutate the previous state", () => {
    const before = ids(loaded.sessions);
    run([{ type: "removed", id: "a" }, { type: "upserted", session: session("z", 9_999) }], loaded);
    expect(ids(loaded.sessions)).toEqual(before);
    expect(loaded.removed.size).toBe(0);
  });
});

describe("groupSessions", () => {
  it("splits pinned from recent, keeping order", () => {
    const list = [session("p2", 2, { pinned: true }), session("p1", 1, { pinned: true }), session("r", 5)];
    const { pinned, recent } = groupSessions(list);
    expect(ids(pinned)).toEqual(["p2", "p1"]);
    expect(ids(recent)).toEqual(["r"]);
  });
});

describe("groupByWorkspace", () => {
  const labels = (list: Parameters<typeof groupByWorkspace>[0]) => groupByWorkspace(list).map((g) => g.parent + g.name);

  it("orders folders by their most recent chat and keeps each folder's chats in the order given", () => {
    const list = [
      session("web2", 900, { workspace: "/home/me/web" }),
      session("api2", 800, { workspace: "/home/me/api" }),
      session("web1", 700, { workspace: "/home/me/web" }),
      session("api1", 100, { workspace: "/home/me/api" }),
    ];
    const groups = groupByWorkspace(list);
    expect(groups.map((g) => g.path), "web's latest chat (900) is newer than api's (800)").toEqual(["/home/me/web", "/home/me/api"]);
    expect(groups.map((g) => ids(g.sessions)), "inside a group, the list's own order").toEqual([
      ["web2", "web1"],
      ["api2", "api1"],
    ]);
    expect(groups.map((g) => g.name)).toEqual(["web", "api"]);
  });

  it("ranks a folder by its newest chat even when the list is not in activity order", () => {
    const list = [session("old", 100, { workspace: "/a" }), session("other", 500, { workspace: "/b" }), session("new", 900, { workspace: "/a" })];
    expect(groupByWorkspace(list).map((g) => g.path), "/a's newest chat (900) wins over /b's (500)").toEqual(["/a", "/b"]);
  });

  it("uses the last message time, like the list's order, to rank folders", () => {
    const list = [
      session("late", 500, { workspace: "/late-created" }),
      session("talked", 100, { workspace: "/recently-used", last_message_at: 9_000 }),
    ];
    expect(groupByWorkspace(list).map((g) => g.path)).toEqual(["/recently-used", "/late-created"]);
  });

  it("puts the chats without a folder in a last group, even when they are the most recent", () => {
    const list = [session("loose", 9_000), session("proj", 100, { workspace: "/p" }), session("blank", 50, { workspace: "" })];
    const groups = groupByWorkspace(list);
    const last = groups.at(-1);
    expect(groups.map((g) => g.key), "no-folder group last").toEqual(["/p", NO_FOLDER]);
    expect(last?.path).toBeNull();
    expect(last?.name).toBe("No folder");
    expect(ids(last?.sessions ?? []), "an empty workspace is no folder").toEqual(["loose", "blank"]);
  });

  it("has no no-folder group when every chat has a folder, and no groups for no chats", () => {
    expect(groupByWorkspace([session("a", 1, { workspace: "/a" })]).map((g) => g.key)).toEqual(["/a"]);
    expect(groupByWorkspace([])).toEqual([]);
  });

  it("keeps two folders with the same name apart and says which parent each is in", () => {
    const list = [
      session("w", 300, { workspace: "/home/me/work/app" }),
      session("p", 200, { workspace: "/home/me/play/app" }),
      session("d", 100, { workspace: "/home/me/docs" }),
    ];
    const groups = groupByWorkspace(list);
    expect(groups.map((g) => ids(g.sessions)), "same basename, different paths: two groups").toEqual([["w"], ["p"], ["d"]]);
    expect(labels(list), "the parent tells the two apps apart; a unique name stands alone").toEqual(["work/app", "play/app", "docs"]);
    expect(groups.map((g) => g.name), "the name is still the last segment").toEqual(["app", "app", "docs"]);
  });

  it("goes up as many folders as it takes, and writes the whole path when one folder ends another", () => {
    const list = [
      session("a", 400, { workspace: "/srv/x/app" }),
      session("b", 300, { workspace: "/home/x/app" }),
      session("c", 200, { workspace: "/app" }),
      session("d", 100, { workspace: "/x/app" }),
    ];
    const shown = labels(list);
    expect(shown, "/x/app is the tail of both x/app folders: only its whole path is its own").toEqual([
      "srv/x/app",
      "home/x/app",
      "/app",
      "/x/app",
    ]);
    expect(new Set(shown).size, "every group is told apart").toBe(shown.length);
  });

  it("treats a trailing slash as the same folder", () => {
    const list = [session("a", 2, { workspace: "/p/app/" }), session("b", 1, { workspace: "/p/app" })];
    const groups = groupByWorkspace(list);
    expect(groups.map((g) => ids(g.sessions))).toEqual([["a", "b"]]);
    expect(groups[0]?.name).toBe("app");
  });
});
