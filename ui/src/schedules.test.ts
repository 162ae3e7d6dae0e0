import { describe, expect, it } from "vitest";
import type { Schedule } from "./bindings/Schedule";
import {
  checkScheduleDraft,
  CRON_PRESETS,
  describeCron,
  draftFromSchedule,
  emptyScheduleDraft,
  schedulePatch,
  timeZoneNames,
  type ScheduleDraft,
} from "./schedules";

const SCHEDULE: Schedule = {
  id: "sc1",
  name: "Morning brief",
  cron: "0 9 * * 1-5",
  timezone: "Europe/Berlin",
  prompt: "Summarise my inbox",
  session_id: "s1",
  model: null,
  catch_up: false,
  enabled: true,
  next_run_at: null,
  created_at: 1,
  updated_at: 1,
  last_run: null,
};

const draft = (change: Partial<ScheduleDraft> = {}): ScheduleDraft => ({
  ...emptyScheduleDraft("Europe/Berlin"),
  name: "Daily",
  cron: "0 9 * * *",
  prompt: "Hi",
  ...change,
});

describe("describeCron", () => {
  it.each([
    ["0 * * * *", "Every hour"],
    ["15 * * * *", "Every hour at :15"],
    ["* * * * *", "Every minute"],
    ["*/15 * * * *", "Every 15 minutes"],
    ["0 */2 * * *", "Every 2 hours"],
    ["0 9 * * *", "Every day at 9:00"],
    ["30 8 * * 1-5", "Weekdays at 8:30"],
    ["0 9 * * MON-FRI", "Weekdays at 9:00"],
    ["0 10 * * 0,6", "Weekends at 10:00"],
    ["0 9 * * 1", "Every Monday at 9:00"],
    ["0 9 * * 7", "Every Sunday at 9:00"],
    ["0 18 * * fri", "Every Friday at 18:00"],
    ["0 9 * * 1,3,5", "Mon, Wed, Fri at 9:00"],
    ["0 7 1 * *", "Monthly on day 1 at 7:00"],
    ["0 0 9 * * *", "Every day at 9:00"],
    ["  5 23 * * *  ", "Every day at 23:05"],
  ])("reads %j as %j", (cron, words) => {
    expect(describeCron(cron)).toBe(words);
  });

  it.each(["", "0 9 * 1 *", "0 9 1 * 1", "0 25 * * *", "0 9-17 * * *", "@daily", "0 9 * *", "5 0 9 * * *"])(
    "leaves %j as the expression",
    (cron) => {
      expect(describeCron(cron)).toBeNull();
    },
  );

  it("reads every preset", () => {
    expect(CRON_PRESETS.map((p) => [describeCron(p.cron), p.label])).toEqual(CRON_PRESETS.map((p) => [p.label, p.label]));
  });
});

describe("checkScheduleDraft", () => {
  it("makes a NewSchedule: trimmed name and cron, the chat and model only when chosen", () => {
    expect(checkScheduleDraft(draft({ name: "  Daily ", cron: " 0 9 * * * " }))).toEqual({
      ok: true,
      schedule: { name: "Daily", cron: "0 9 * * *", timezone: "Europe/Berlin", prompt: "Hi", catch_up: false, enabled: true },
    });
    expect(checkScheduleDraft(draft({ target: "s1", model: "work/gpt-4o", catchUp: true, enabled: false }))).toEqual({
      ok: true,
      schedule: {
        name: "Daily",
        cron: "0 9 * * *",
        timezone: "Europe/Berlin",
        prompt: "Hi",
        session_id: "s1",
        model: "work/gpt-4o",
        catch_up: true,
        enabled: false,
      },
    });
  });

  it("says what is missing: name, cron, time zone, prompt", () => {
    const check = checkScheduleDraft({ ...emptyScheduleDraft(""), prompt: "   " });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(Object.keys(check.problems)).toEqual(["name", "cron", "timezone", "prompt"]);
    const long = checkScheduleDraft(draft({ name: "x".repeat(101) }));
    expect(long.ok || long.problems.name).toMatch(/at most 100/);
  });

  it("starts with the computer's time zone, enabled", () => {
    const fresh = emptyScheduleDraft();
    expect(fresh.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(fresh.enabled).toBe(true);
    expect(fresh.catchUp).toBe(false);
  });

  it("lists the time zones the webview knows, when it can", () => {
    const zones = timeZoneNames();
    if (zones.length > 0) expect(zones).toContain("Europe/Berlin");
  });
});

describe("schedulePatch", () => {
  const checked = (d: ScheduleDraft) => {
    const check = checkScheduleDraft(d);
    if (!check.ok) throw new Error("invalid draft");
    return check.schedule;
  };

  it("sends nothing when nothing changed", () => {
    expect(schedulePatch(SCHEDULE, checked(draftFromSchedule(SCHEDULE)))).toEqual({});
  });

  it("sends only what changed, clearing the chat with an empty string", () => {
    const edited = { ...draftFromSchedule(SCHEDULE), cron: "0 8 * * *", target: "", model: "work/gpt-4o", catchUp: true };
    expect(schedulePatch(SCHEDULE, checked(edited))).toEqual({
      cron: "0 8 * * *",
      session_id: "",
      model: "work/gpt-4o",
      catch_up: true,
    });
    const cleared = { ...draftFromSchedule({ ...SCHEDULE, model: "work/gpt-4o" }), model: "" };
    expect(schedulePatch({ ...SCHEDULE, model: "work/gpt-4o" }, checked(cleared))).toEqual({ model: "" });
  });
});
