// Settings → Schedules, through the section's props.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Outcome } from "../api";
import type { ModelList } from "../bindings/ModelList";
import type { Schedule } from "../bindings/Schedule";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import { session } from "../test/fixtures";
import { formatWhen, SchedulesSettings, type SchedulesSettingsProps } from "./SchedulesSettings";

const SESSIONS = [session("s1", 1_000, { title: "Inbox triage" }), session("s2", 2_000, { title: "Release notes" })];

const MODELS: ModelList = {
  models: [{ id: "work/gpt-4o", provider: "openai", name: "gpt-4o", capabilities: [] }],
  default: "work/gpt-4o",
};

const NEXT = Date.UTC(2025, 0, 6, 8, 0);
const FIRED = Date.UTC(2025, 0, 3, 8, 0, 2);

const run = (id: string, change: Partial<ScheduleRun> = {}): ScheduleRun => ({
  id,
  schedule_id: "sc1",
  session_id: "s9",
  run_id: "r1",
  due_at: Date.UTC(2025, 0, 3, 8, 0),
  fired_at: FIRED,
  status: "done",
  note: null,
  ...change,
});

const SCHEDULES: Schedule[] = [
  {
    id: "sc1",
    name: "Morning brief",
    cron: "0 9 * * 1-5",
    timezone: "Europe/Berlin",
    prompt: "Summarise my inbox",
    session_id: null,
    model: null,
    catch_up: false,
    enabled: true,
    next_run_at: NEXT,
    created_at: 1,
    updated_at: 1,
    last_run: run("run1", { status: "error", note: "the provider refused the key" }),
  },
  {
    id: "sc2",
    name: "Odd one",
    cron: "0 9-17 * * *",
    timezone: "UTC",
    prompt: "Check the build",
    session_id: "s2",
    model: "work/gpt-4o",
    catch_up: true,
    enabled: false,
    next_run_at: null,
    created_at: 2,
    updated_at: 2,
    last_run: null,
  },
];

function renderSchedules(overrides: Partial<SchedulesSettingsProps> = {}) {
  const props: SchedulesSettingsProps = {
    schedules: SCHEDULES,
    failed: false,
    onReload: vi.fn(),
    sessions: SESSIONS,
    models: MODELS,
    paused: false,
    onAdd: vi.fn(() => Promise.resolve(null)),
    onUpdate: vi.fn(() => Promise.resolve(null)),
    onRemove: vi.fn(() => Promise.resolve(null)),
    onRunNow: vi.fn(() => Promise.resolve<Outcome<ScheduleRun>>({ ok: true, value: run("run2", { status: "running" }) })),
    onLoadRuns: vi.fn(() =>
      Promise.resolve<Outcome<ScheduleRun[]>>({
        ok: true,
        value: [run("run3"), run("run2", { status: "skipped", session_id: null, note: "schedules were paused" })],
      }),
    ),
    onOpenSession: vi.fn(),
    ...overrides,
  };
  const user = userEvent.setup();
  const view = render(<SchedulesSettings {...props} />);
  return { props, user, ...view, rerenderWith: (more: Partial<SchedulesSettingsProps>) => view.rerender(<SchedulesSettings {...props} {...more} />) };
}

const row = (id: string) => screen.getAllByTestId("schedule-row").find((r) => r.dataset.scheduleId === id)!;
const field = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;

describe("Settings → Schedules list", () => {
  it("shows each schedule: when in words (or its expression), zone, chat, next run and last run", () => {
    renderSchedules();
    expect(screen.getAllByTestId("schedule-row").map((r) => r.dataset.scheduleId)).toEqual(["sc1", "sc2"]);

    const brief = row("sc1");
    expect(within(brief).getByTestId("schedule-when").textContent).toBe("Weekdays at 9:00 · Europe/Berlin");
    expect(within(brief).getByTestId("schedule-target-label").textContent).toBe("New chat each run");
    expect(within(brief).getByTestId("schedule-next-run").textContent).toBe(formatWhen(NEXT));
    const last = within(brief).getByTestId("schedule-last-status");
    expect(last.dataset.status).toBe("error");
    expect(last.textContent).toContain("Failed");
    expect(last.textContent).toContain("the provider refused the key");
    expect((within(brief).getByTestId("schedule-toggle") as HTMLInputElement).checked).toBe(true);

    const odd = row("sc2");
    expect(within(odd).getByTestId("schedule-when").textContent).toBe("0 9-17 * * * · UTC");
    expect(within(odd).getByTestId("schedule-target-label").textContent).toBe("Release notes");
    expect(within(odd).getByTestId("schedule-next-run").textContent).toBe("Off");
    expect(within(odd).getByTestId("schedule-last-status").dataset.status).toBe("none");
    expect(odd.dataset.enabled).toBe("false");
  });

  it("says when there are none, while loading, and offers a retry when they could not be read", async () => {
    const { user, props, rerenderWith } = renderSchedules({ schedules: [] });
    expect(screen.getByTestId("schedule-list").textContent).toContain("No schedules yet");
    rerenderWith({ schedules: null });
    expect(screen.getByRole("status").textContent).toContain("Loading the schedules");
    rerenderWith({ schedules: null, failed: true });
    await user.click(screen.getByTestId("schedules-retry"));
    expect(props.onReload).toHaveBeenCalledOnce();
  });

  it("says when schedules are paused", () => {
    const { rerenderWith } = renderSchedules();
    expect(screen.queryByTestId("schedules-paused")).toBeNull();
    rerenderWith({ paused: true });
    expect(screen.getByTestId("schedules-paused").textContent).toContain("paused");
  });

  it("enables and disables a schedule", async () => {
    const { user, props } = renderSchedules();
    await user.click(within(row("sc2")).getByTestId("schedule-toggle"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("sc2", { enabled: true });
  });

  it("runs a schedule now and offers its chat, or says why it could not", async () => {
    const { user, props, rerenderWith } = renderSchedules();
    await user.click(within(row("sc1")).getByTestId("schedule-run-now"));
    expect(props.onRunNow).toHaveBeenCalledExactlyOnceWith("sc1");
    const started = within(row("sc1")).getByTestId("schedule-run-started");
    expect(started.textContent).toContain("Started.");
    await user.click(within(started).getByRole("button", { name: "Open chat" }));
    expect(props.onOpenSession).toHaveBeenCalledExactlyOnceWith("s9");

    rerenderWith({
      onRunNow: vi.fn(() =>
        Promise.resolve<Outcome<ScheduleRun>>({
          ok: false,
          error: { code: "INVALID_SCHEDULE", message: "the schedule's previous run is still going" },
        }),
      ),
    });
    await user.click(within(row("sc1")).getByTestId("schedule-run-now"));
    expect(within(row("sc1")).getByTestId("schedule-action-error").textContent).toContain("previous run is still going");
  });

  it("expands its past runs: status, due and fired times, note, and a link to each run's chat", async () => {
    const { user, props } = renderSchedules();
    const toggle = within(row("sc1")).getByTestId("schedule-runs-toggle");
    expect(toggle.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByTestId("schedule-run-row")).toBeNull();

    await user.click(toggle);
    expect(props.onLoadRuns).toHaveBeenCalledExactlyOnceWith("sc1");
    expect(toggle.getAttribute("aria-expanded")).toBe("true");
    const runs = within(row("sc1")).getAllByTestId("schedule-run-row");
    expect(runs.map((r) => r.dataset.status)).toEqual(["done", "skipped"]);
    expect(runs[0]!.textContent).toContain(`Due ${formatWhen(Date.UTC(2025, 0, 3, 8, 0))}`);
    expect(runs[0]!.textContent).toContain(`fired ${formatWhen(FIRED)}`);
    expect(runs[1]!.textContent).toContain("schedules were paused");
    expect(within(runs[1]!).queryByTestId("schedule-run-open"), "a skipped run has no chat").toBeNull();
    await user.click(within(runs[0]!).getByTestId("schedule-run-open"));
    expect(props.onOpenSession).toHaveBeenCalledExactlyOnceWith("s9");

    await user.click(toggle);
    expect(screen.queryByTestId("schedule-run-row")).toBeNull();
  });

  it("deletes only once confirmed, and can be cancelled", async () => {
    const { user, props } = renderSchedules();
    await user.click(within(row("sc1")).getByTestId("schedule-delete"));
    expect(props.onRemove).not.toHaveBeenCalled();
    await user.click(within(row("sc1")).getByTestId("schedule-delete-cancel"));
    expect(within(row("sc1")).queryByTestId("schedule-delete-confirm")).toBeNull();

    await user.click(within(row("sc1")).getByTestId("schedule-delete"));
    await user.click(within(row("sc1")).getByTestId("schedule-delete-confirm"));
    expect(props.onRemove).toHaveBeenCalledExactlyOnceWith("sc1");
  });
});

describe("Settings → Schedules form", () => {
  it("checks the name, cron and prompt before sending, and focuses the first missing", async () => {
    const { user, props } = renderSchedules();
    await user.click(screen.getByTestId("schedule-new"));
    await waitFor(() => expect(document.activeElement).toBe(field("schedule-name")));
    await user.click(screen.getByTestId("schedule-save"));
    expect(props.onAdd).not.toHaveBeenCalled();
    const error = screen.getByTestId("schedule-form-error");
    expect(error.textContent).toContain("Give the schedule a name.");
    expect(error.textContent).toContain("cron expression");
    expect(error.textContent).toContain("Write the prompt it sends.");
    expect(field("schedule-name").getAttribute("aria-invalid")).toBe("true");
    await waitFor(() => expect(document.activeElement).toBe(field("schedule-name")));

    await user.type(field("schedule-name"), "Brief");
    await user.click(screen.getByTestId("schedule-save"));
    await waitFor(() => expect(document.activeElement, "then the cron").toBe(field("schedule-cron")));
  });

  it("starts in the computer's time zone, and sends the NewSchedule the form says", async () => {
    const { user, props } = renderSchedules();
    await user.click(screen.getByTestId("schedule-new"));
    expect(field("schedule-timezone").value).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect((field("schedule-enabled") as HTMLInputElement).checked).toBe(true);

    await user.type(field("schedule-name"), "  Release check ");
    await user.click(screen.getAllByTestId("schedule-preset").find((b) => b.textContent === "Weekdays at 9:00")!);
    expect(field("schedule-cron").value).toBe("0 9 * * 1-5");
    expect(screen.getByTestId("schedule-cron-text").textContent).toBe("Weekdays at 9:00.");
    await user.clear(field("schedule-timezone"));
    await user.type(field("schedule-timezone"), "America/New_York");
    await user.type(field("schedule-prompt"), "What shipped today?");
    await user.selectOptions(screen.getByTestId("schedule-target"), "s2");
    await user.selectOptions(screen.getByTestId("schedule-model"), "work/gpt-4o");
    await user.click(screen.getByTestId("schedule-catch-up"));
    await user.click(screen.getByTestId("schedule-save"));

    expect(props.onAdd).toHaveBeenCalledExactlyOnceWith({
      name: "Release check",
      cron: "0 9 * * 1-5",
      timezone: "America/New_York",
      prompt: "What shipped today?",
      session_id: "s2",
      model: "work/gpt-4o",
      catch_up: true,
      enabled: true,
    });
    expect(screen.queryByTestId("schedule-form"), "closes once added").toBeNull();
    expect(screen.getByTestId("schedule-done").textContent).toContain("Release check");
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("schedule-new")));
  });

  it("offers a new chat each run or an existing chat as the target, a new chat first", async () => {
    const { user } = renderSchedules();
    await user.click(screen.getByTestId("schedule-new"));
    const options = [...(screen.getByTestId("schedule-target") as HTMLSelectElement).options];
    expect(options.map((o) => [o.value, o.textContent])).toEqual([
      ["", "A new chat each run"],
      ["s1", "Inbox triage"],
      ["s2", "Release notes"],
    ]);
    expect((screen.getByTestId("schedule-target") as HTMLSelectElement).value).toBe("");
  });

  it("shows the backend's refusal with its hint and keeps the form", async () => {
    const { user } = renderSchedules({
      onAdd: vi.fn(() => Promise.resolve({ code: "INVALID_SCHEDULE" as const, message: "the cron expression \"0 9 * *\": too few fields" })),
    });
    await user.click(screen.getByTestId("schedule-new"));
    await user.type(field("schedule-name"), "Brief");
    await user.type(field("schedule-cron"), "0 9 * *");
    await user.type(field("schedule-prompt"), "Hi");
    await user.click(screen.getByTestId("schedule-save"));
    const error = screen.getByTestId("schedule-form-error");
    expect(error.dataset.errorCode).toBe("INVALID_SCHEDULE");
    expect(error.textContent).toContain("too few fields");
    expect(screen.getByTestId("schedule-error-hint").textContent).toContain("cron expression");
    expect(field("schedule-name").value).toBe("Brief");
  });

  it("edits a schedule in place, sending only what changed", async () => {
    const { user, props } = renderSchedules();
    await user.click(within(row("sc2")).getByTestId("schedule-edit"));
    const form = within(row("sc2")).getByTestId("schedule-form");
    expect((within(form).getByTestId("schedule-name") as HTMLInputElement).value).toBe("Odd one");
    expect((within(form).getByTestId("schedule-target") as HTMLSelectElement).value).toBe("s2");
    expect((within(form).getByTestId("schedule-catch-up") as HTMLInputElement).checked).toBe(true);

    await user.selectOptions(within(form).getByTestId("schedule-target"), "");
    await user.click(within(form).getByTestId("schedule-enabled"));
    await user.click(within(form).getByTestId("schedule-save"));
    expect(props.onUpdate).toHaveBeenCalledExactlyOnceWith("sc2", { session_id: "", enabled: true });
    expect(props.onAdd).not.toHaveBeenCalled();
    expect(screen.queryByTestId("schedule-form")).toBeNull();
  });

  it("closes an unchanged edit without sending, and on Cancel", async () => {
    const { user, props } = renderSchedules();
    await user.click(within(row("sc1")).getByTestId("schedule-edit"));
    await user.click(screen.getByTestId("schedule-save"));
    expect(props.onUpdate).not.toHaveBeenCalled();
    expect(screen.queryByTestId("schedule-form")).toBeNull();
    await user.click(screen.getByTestId("schedule-new"));
    await user.click(screen.getByTestId("schedule-cancel"));
    expect(screen.queryByTestId("schedule-form")).toBeNull();
  });
});
