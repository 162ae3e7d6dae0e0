import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Session } from "../bindings/Session";
import { FakeIntersectionObserver, installFakeIntersectionObserver } from "../test/intersectionObserver";
import { session } from "../test/fixtures";
import { Sidebar, type SidebarProps } from "./Sidebar";

const SESSIONS: Session[] = [
  session("p", 100, { title: "Pinned plan", pinned: true }),
  session("c", 300, { title: "Third" }),
  session("b", 200, { title: "Second" }),
  session("a", 100, { title: "First" }),
];

function renderSidebar(overrides: Partial<SidebarProps> = {}) {
  const props: SidebarProps = {
    sessions: SESSIONS,
    selectedId: null,
    hasMore: false,
    loading: false,
    loadFailed: false,
    loaded: true,
    onNewSession: vi.fn(),
    onSelect: vi.fn(),
    onRename: vi.fn(),
    onTogglePin: vi.fn(),
    onDelete: vi.fn(),
    onLoadMore: vi.fn(),
    onOpenSettings: vi.fn(),
    search: vi.fn().mockResolvedValue({ hits: [] }),
    onOpenHit: vi.fn(),
    onImport: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<Sidebar {...props} />);
  return { props, user, ...view };
}

const rows = () => screen.getAllByTestId("session-item");
const row = (id: string) => {
  const found = rows().find((r) => r.dataset.sessionId === id);
  if (!found) throw new Error(`no row for ${id}`);
  return found;
};
const titles = () => screen.getAllByTestId("session-title").map((t) => t.textContent);

beforeEach(() => {
  installFakeIntersectionObserver();
  localStorage.clear();
});

describe("Sidebar rows", () => {
  it("renders one row per session in the given order, with id/pinned/selected attributes", () => {
    renderSidebar({ selectedId: "b" });
    expect(titles(), "rows follow the list order").toEqual(["Pinned plan", "Third", "Second", "First"]);
    expect(rows().map((r) => r.dataset.sessionId)).toEqual(["p", "c", "b", "a"]);
    expect(row("p").dataset.pinned, "pinned row is marked").toBe("true");
    expect(row("c").dataset.pinned).toBe("false");
    expect(row("b").dataset.selected, "selected row is marked").toBe("true");
    expect(row("c").dataset.selected).toBe("false");
  });

  it("groups pinned rows under a Pinned header and shows a pin marker on them", () => {
    renderSidebar();
    const pinnedGroup = screen.getByRole("region", { name: "Pinned" });
    expect(within(pinnedGroup).getAllByTestId("session-item")).toHaveLength(1);
    expect(within(row("p")).getByRole("img", { name: "Pinned" }), "pinned rows carry a marker").toBeTruthy();
    expect(within(row("c")).queryByRole("img", { name: "Pinned" }), "unpinned rows have none").toBeNull();
  });

  it("has no Pinned header when nothing is pinned", () => {
    renderSidebar({ sessions: SESSIONS.filter((s) => !s.pinned) });
    expect(screen.queryByRole("region", { name: "Pinned" })).toBeNull();
  });

  it("keeps every action button in the DOM with an accessible name", () => {
    renderSidebar();
    for (const r of rows()) {
      for (const testId of ["session-rename", "session-pin", "session-delete"]) {
        const button = within(r).getByTestId(testId);
        expect(button.tagName, `${testId} is a real button`).toBe("BUTTON");
        expect(button.getAttribute("aria-label"), `${testId} is labelled`).toBeTruthy();
      }
    }
  });

  it("selects a session when its row is clicked", async () => {
    const { user, props } = renderSidebar();
    await user.click(within(row("b")).getByTestId("session-title"));
    expect(props.onSelect).toHaveBeenCalledWith("b");
  });

  it("asks for a new session from the New chat button", async () => {
    const { user, props } = renderSidebar();
    await user.click(screen.getByTestId("new-session"));
    expect(props.onNewSession).toHaveBeenCalledTimes(1);
  });

  it("opens Settings from the gear button at the bottom", async () => {
    const { user, props } = renderSidebar();
    const gear = screen.getByTestId("settings-open");
    expect(gear.tagName).toBe("BUTTON");
    expect(gear.getAttribute("aria-haspopup")).toBe("dialog");
    await user.click(gear);
    expect(props.onOpenSettings).toHaveBeenCalledTimes(1);
  });

  it("says there are no chats once an empty list has loaded", () => {
    renderSidebar({ sessions: [] });
    expect(screen.getByText(/No chats yet/)).toBeTruthy();
  });
});

describe("Sidebar inline rename", () => {
  const startRename = async (user: ReturnType<typeof userEvent.setup>, id: string) => {
    await user.click(within(row(id)).getByTestId("session-rename"));
    return within(row(id)).getByTestId("session-rename-input") as HTMLInputElement;
  };

  it("turns the title into a focused input holding the current title", async () => {
    const { user } = renderSidebar();
    const input = await startRename(user, "b");
    expect(input.value).toBe("Second");
    expect(document.activeElement, "the input takes focus so typing replaces the title").toBe(input);
  });

  it("commits the trimmed title on Enter", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "b");
    await user.clear(input);
    await user.type(input, "  Quarterly plan  {Enter}");
    expect(props.onRename).toHaveBeenCalledExactlyOnceWith("b", "Quarterly plan");
    expect(screen.queryByTestId("session-rename-input"), "input closes after commit").toBeNull();
  });

  it("cancels on Escape without calling back", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "b");
    await user.clear(input);
    await user.type(input, "Something else{Escape}");
    expect(props.onRename, "Escape discards the edit").not.toHaveBeenCalled();
    expect(screen.queryByTestId("session-rename-input")).toBeNull();
    expect(within(row("b")).getByTestId("session-title").textContent).toBe("Second");
  });

  it("commits on blur", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "c");
    await user.clear(input);
    await user.type(input, "Blurred title");
    await user.click(screen.getByTestId("sidebar"));
    expect(props.onRename, "leaving the field keeps what was typed").toHaveBeenCalledExactlyOnceWith("c", "Blurred title");
  });

  it("starts renaming on double-click of the title", async () => {
    const { user } = renderSidebar();
    await user.dblClick(within(row("a")).getByTestId("session-title"));
    expect(within(row("a")).getByTestId("session-rename-input")).toBeTruthy();
  });

  it("starts renaming with F2 on a focused row", async () => {
    const { user } = renderSidebar();
    within(row("a")).getByRole("button", { name: "First" }).focus();
    await user.keyboard("{F2}");
    expect(within(row("a")).getByTestId("session-rename-input")).toBeTruthy();
  });

  it("refuses an empty title with an inline message and sends nothing", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "b");
    await user.clear(input);
    await user.type(input, "   {Enter}");
    expect(props.onRename, "blank titles never reach the backend").not.toHaveBeenCalled();
    expect(screen.getByTestId("session-rename-error").textContent).toMatch(/empty/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByTestId("session-rename-input"), "the field stays open to fix it").toBe(input);

    await user.click(screen.getByTestId("sidebar"));
    expect(props.onRename, "blur does not send an invalid title either").not.toHaveBeenCalled();
  });

  it("refuses a 201-character title but accepts exactly 200", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "b");
    fireEvent.change(input, { target: { value: "x".repeat(201) } });
    await user.type(input, "{Enter}");
    expect(props.onRename, "over 200 characters is refused client-side").not.toHaveBeenCalled();
    expect(screen.getByTestId("session-rename-error").textContent).toMatch(/200/);

    fireEvent.change(input, { target: { value: "y".repeat(200) } });
    expect(screen.queryByTestId("session-rename-error"), "editing clears the message").toBeNull();
    await user.type(input, "{Enter}");
    expect(props.onRename).toHaveBeenCalledExactlyOnceWith("b", "y".repeat(200));
  });

  it("counts characters, not UTF-16 units, like the backend", async () => {
    const { user, props } = renderSidebar();
    const input = await startRename(user, "b");
    fireEvent.change(input, { target: { value: "🔥".repeat(200) } }); // 400 UTF-16 units, 200 characters
    await user.type(input, "{Enter}");
    expect(props.onRename).toHaveBeenCalledExactlyOnceWith("b", "🔥".repeat(200));
  });

  it("does not call back when the title is unchanged", async () => {
    const { user, props } = renderSidebar();
    await startRename(user, "b");
    await user.keyboard("{Enter}");
    expect(props.onRename, "nothing to save").not.toHaveBeenCalled();
    expect(screen.queryByTestId("session-rename-input")).toBeNull();
  });
});

describe("Sidebar pin and delete", () => {
  it("asks to pin an unpinned session and to unpin a pinned one", async () => {
    const { user, props } = renderSidebar();
    await user.click(within(row("c")).getByTestId("session-pin"));
    expect(props.onTogglePin).toHaveBeenLastCalledWith("c", true);
    await user.click(within(row("p")).getByTestId("session-pin"));
    expect(props.onTogglePin).toHaveBeenLastCalledWith("p", false);
    expect(within(row("p")).getByTestId("session-pin").getAttribute("aria-pressed")).toBe("true");
  });

  it("asks to delete a session without selecting it", async () => {
    const { user, props } = renderSidebar();
    await user.click(within(row("a")).getByTestId("session-delete"));
    expect(props.onDelete).toHaveBeenCalledExactlyOnceWith("a");
    expect(props.onSelect, "the delete button is not a click on the row").not.toHaveBeenCalled();
  });
});

describe("Sidebar infinite scroll", () => {
  const sentinel = () => screen.getByTestId("session-list-sentinel");

  it("asks for the next page when the sentinel scrolls into view", () => {
    const { props } = renderSidebar({ hasMore: true });
    const [observer] = FakeIntersectionObserver.watching(sentinel());
    expect(observer, "the sentinel is observed while more pages exist").toBeDefined();
    expect(observer?.root, "intersection is measured against the scrolling list").toBe(screen.getByTestId("session-list"));
    act(() => observer?.trigger(false));
    expect(props.onLoadMore, "not yet in view").not.toHaveBeenCalled();
    act(() => observer?.trigger(true));
    expect(props.onLoadMore).toHaveBeenCalledTimes(1);
  });

  it("does not observe when there is nothing more, while loading, or after a failure", () => {
    const { rerender, props } = renderSidebar({ hasMore: false });
    expect(FakeIntersectionObserver.watching(sentinel()), "end of list").toHaveLength(0);
    rerender(<Sidebar {...props} hasMore loading />);
    expect(FakeIntersectionObserver.watching(sentinel()), "a page is already on its way").toHaveLength(0);
    rerender(<Sidebar {...props} hasMore loadFailed />);
    expect(FakeIntersectionObserver.watching(sentinel()), "no retry loop after an error").toHaveLength(0);
    expect(screen.getByTestId("session-list-retry")).toBeTruthy();
  });

  it("observes afresh after each page so a short page still leads to the next one", () => {
    const { rerender, props } = renderSidebar({ hasMore: true });
    const first = FakeIntersectionObserver.watching(sentinel());
    rerender(<Sidebar {...props} hasMore loading />);
    rerender(<Sidebar {...props} hasMore sessions={[...SESSIONS, session("older", 1)]} />);
    const second = FakeIntersectionObserver.watching(sentinel());
    expect(second).toHaveLength(1);
    expect(second[0], "a new observer reports the sentinel's current visibility").not.toBe(first[0]);
  });

  it("retries a failed page from the Retry button", async () => {
    const { user, props } = renderSidebar({ hasMore: true, loadFailed: true });
    await user.click(screen.getByTestId("session-list-retry"));
    expect(props.onLoadMore).toHaveBeenCalledTimes(1);
  });
});

describe("Sidebar grouped by project", () => {
  const PROJECTS: Session[] = [
    session("pin", 50, { title: "Pinned in web", pinned: true, workspace: "/home/me/web" }),
    session("loose", 900, { title: "Loose chat" }),
    session("api2", 800, { title: "API newest", workspace: "/home/me/api", runtime: "claude-code" }),
    session("web2", 600, { title: "Web newest", workspace: "/home/me/web" }),
    session("api1", 400, { title: "API older", workspace: "/home/me/api" }),
    session("web1", 300, { title: "Web older", workspace: "/home/me/web/" }),
  ];
  const toggle = () => screen.getByTestId("group-by-workspace");
  const headers = () => screen.queryAllByTestId("workspace-group");
  const header = (name: string) => {
    const found = headers().find((h) => h.querySelector("[data-testid=workspace-group-label]")?.textContent === name);
    if (!found) throw new Error(`no group header ${name}`);
    return found;
  };
  const groupTitles = (name: string) => {
    const section = header(name).closest("section");
    if (!section) throw new Error(`group ${name} is not in a section`);
    return within(section).queryAllByTestId("session-title").map((t) => t.textContent);
  };

  it("groups under one header per folder, newest project first and No folder last, with Pinned still on top", async () => {
    const { user } = renderSidebar({ sessions: PROJECTS });
    expect(toggle().getAttribute("aria-pressed"), "off until turned on").toBe("false");
    expect(headers(), "ungrouped: no project headers").toHaveLength(0);

    await user.click(toggle());
    expect(toggle().getAttribute("aria-pressed")).toBe("true");
    const shown = headers().map((h) => [
      h.querySelector("[data-testid=workspace-group-label]")?.textContent,
      h.querySelector("[data-testid=workspace-group-count]")?.textContent,
      h.getAttribute("title"),
    ]);
    expect(shown, "api's newest chat (800) beats web's (600); the folder-less chat comes last though it is newest").toEqual([
      ["api", "2", "/home/me/api"],
      ["web", "2", "/home/me/web"],
      ["No folder", "1", "Chats without a workspace folder"],
    ]);
    expect(groupTitles("api"), "rows keep the list's order inside a group").toEqual(["API newest", "API older"]);
    expect(groupTitles("web"), "a trailing slash is the same folder").toEqual(["Web newest", "Web older"]);
    expect(groupTitles("No folder")).toEqual(["Loose chat"]);
    expect(titles(), "pinned first, then the groups in order: what is on screen").toEqual([
      "Pinned in web",
      "API newest",
      "API older",
      "Web newest",
      "Web older",
      "Loose chat",
    ]);
    expect(within(screen.getByRole("region", { name: "Pinned" })).getAllByTestId("session-item")).toHaveLength(1);
    expect(screen.queryByRole("region", { name: "Recent" }), "the groups take the Recent section's place").toBeNull();
  });

  it("folds a group from its header and unfolds it again", async () => {
    const { user, props } = renderSidebar({ sessions: PROJECTS, selectedId: "web1" });
    await user.click(toggle());
    await user.click(header("web"));
    expect(header("web").getAttribute("aria-expanded")).toBe("false");
    expect(groupTitles("web"), "a folded group shows no rows").toEqual([]);
    expect(rows().map((r) => r.dataset.sessionId), "the other groups keep theirs").toEqual(["pin", "api2", "api1", "loose"]);
    expect(header("web").classList.contains("is-current"), "the folded header shows it holds the open chat").toBe(true);
    expect(props.onSelect, "folding is not selecting").not.toHaveBeenCalled();

    await user.click(header("web"));
    expect(header("web").getAttribute("aria-expanded")).toBe("true");
    expect(groupTitles("web")).toEqual(["Web newest", "Web older"]);
  });

  it("remembers grouping and each folded folder across a reload", async () => {
    const first = renderSidebar({ sessions: PROJECTS });
    await first.user.click(toggle());
    await first.user.click(header("api"));
    await first.user.click(header("No folder"));
    first.unmount();

    renderSidebar({ sessions: PROJECTS });
    expect(toggle().getAttribute("aria-pressed"), "still grouped").toBe("true");
    expect(headers().map((h) => h.getAttribute("aria-expanded")), "api and No folder stay folded, web open").toEqual([
      "false",
      "true",
      "false",
    ]);
    expect(rows().map((r) => r.dataset.sessionId)).toEqual(["pin", "web2", "web1"]);
  });

  it("goes back to Pinned and Recent when turned off", async () => {
    const { user } = renderSidebar({ sessions: PROJECTS });
    await user.click(toggle());
    await user.click(toggle());
    expect(toggle().getAttribute("aria-pressed")).toBe("false");
    expect(headers()).toHaveLength(0);
    expect(rows().map((r) => r.dataset.sessionId), "the list's own order again").toEqual(["pin", "loose", "api2", "web2", "api1", "web1"]);
  });

  it("tells two folders of the same name apart by their parent", async () => {
    const { user } = renderSidebar({
      sessions: [
        session("w", 300, { title: "Work app", workspace: "/home/me/work/app" }),
        session("p", 200, { title: "Play app", workspace: "/home/me/play/app" }),
      ],
    });
    await user.click(toggle());
    expect(headers().map((h) => h.querySelector("[data-testid=workspace-group-label]")?.textContent)).toEqual([
      "work/app",
      "play/app",
    ]);
    expect(groupTitles("work/app")).toEqual(["Work app"]);
    expect(groupTitles("play/app")).toEqual(["Play app"]);
  });
});
