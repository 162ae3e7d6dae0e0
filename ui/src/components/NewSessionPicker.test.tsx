import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { ModelList } from "../bindings/ModelList";
import { NewSessionPicker } from "./NewSessionPicker";
import { SessionRow } from "./SessionRow";
import { session } from "../test/fixtures";

const MODELS: ModelList = {
  models: [
    { id: "env:anthropic/claude-sonnet-4-5", provider: "anthropic", name: "claude-sonnet-4-5", capabilities: [] },
    { id: "env:openai/gpt-4o", provider: "openai", name: "gpt-4o", capabilities: [] },
  ],
  default: "env:openai/gpt-4o",
};

describe("the new-chat picker", () => {
  it("starts a Claude Code chat in a folder with an Anthropic model", async () => {
    const onCreate = vi.fn().mockResolvedValue(null);
    render(<NewSessionPicker models={MODELS} onCreate={onCreate} />);
    await userEvent.click(screen.getByTestId("new-session-picker"));
    expect(screen.getByTestId<HTMLSelectElement>("new-session-runtime").value).toBe("claude-code");
    const models = [...screen.getByTestId<HTMLSelectElement>("new-session-model").options].map((o) => o.value);
    expect(models).toEqual(["", "env:anthropic/claude-sonnet-4-5"]); // Claude Code speaks only Anthropic's API
    await userEvent.click(screen.getByTestId("new-session-create"));
    expect(screen.getByTestId("new-session-error").textContent).toMatch(/needs a workspace/);
    expect(onCreate).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId("new-session-workspace"), "/home/me/proj");
    await userEvent.selectOptions(screen.getByTestId("new-session-model"), "env:anthropic/claude-sonnet-4-5");
    await userEvent.click(screen.getByTestId("new-session-create"));
    expect(onCreate).toHaveBeenCalledWith({
      runtime: "claude-code",
      workspace: "/home/me/proj",
      model: "env:anthropic/claude-sonnet-4-5",
    });
    expect(screen.queryByTestId("new-session-form")).toBeNull();
  });

  it("shows the backend's refusal and stays open", async () => {
    const onCreate = vi.fn().mockResolvedValue({ code: "RUNTIME_NOT_FOUND", message: "the claude CLI was not found" });
    render(<NewSessionPicker models={MODELS} onCreate={onCreate} />);
    await userEvent.click(screen.getByTestId("new-session-picker"));
    await userEvent.type(screen.getByTestId("new-session-workspace"), "/w");
    await userEvent.click(screen.getByTestId("new-session-create"));
    expect(screen.getByTestId("new-session-error").textContent).toMatch(/claude CLI was not found/);
    expect(screen.getByTestId("new-session-form")).toBeTruthy();
  });

  it("starts a Codex chat with an OpenAI model, or Codex's own login", async () => {
    const onCreate = vi.fn().mockResolvedValue(null);
    render(<NewSessionPicker models={MODELS} onCreate={onCreate} />);
    await userEvent.click(screen.getByTestId("new-session-picker"));
    await userEvent.selectOptions(screen.getByTestId("new-session-runtime"), "codex");
    const model = screen.getByTestId<HTMLSelectElement>("new-session-model");
    expect([...model.options].map((o) => o.value)).toEqual(["", "env:openai/gpt-4o"]); // the Responses API, not Anthropic's
    expect(model.options[0]?.textContent).toBe("Codex’s own login");
    await userEvent.type(screen.getByTestId("new-session-workspace"), "/home/me/proj");
    await userEvent.selectOptions(model, "env:openai/gpt-4o");
    await userEvent.click(screen.getByTestId("new-session-create"));
    expect(onCreate).toHaveBeenCalledWith({ runtime: "codex", workspace: "/home/me/proj", model: "env:openai/gpt-4o" });
  });
});

describe("a session row", () => {
  it("names a chat's runtime when it is not Hearth's own", () => {
    const props = {
      selected: false,
      editing: false,
      onSelect: vi.fn(),
      onStartRename: vi.fn(),
      onFinishRename: vi.fn(),
      onTogglePin: vi.fn(),
      onDelete: vi.fn(),
    };
    const { rerender } = render(<SessionRow session={session("a")} {...props} />);
    expect(screen.queryByTestId("session-runtime")).toBeNull();
    rerender(<SessionRow session={session("a", 1, { runtime: "claude-code", workspace: "/w" })} {...props} />);
    expect(screen.getByTestId("session-runtime").textContent).toBe("Claude Code");
  });
});
