// Schedules in Settings: the form's draft and its checks, the patch an edit sends, and a
// plain-words reading of common cron expressions. Pure, so it is tested without rendering.
import type { NewSchedule } from "./bindings/NewSchedule";
import type { Schedule } from "./bindings/Schedule";
import type { SchedulePatch } from "./bindings/SchedulePatch";
import type { ScheduleRunStatus } from "./bindings/ScheduleRunStatus";

export interface ScheduleDraft {
  name: string;
  cron: string;
  timezone: string;
  prompt: string;
  /** The chat each run goes to; "" = a new chat each run. */
  target: string;
  /** "" = the default model. */
  model: string;
  catchUp: boolean;
  enabled: boolean;
}

export type ScheduleField = "name" | "cron" | "timezone" | "prompt";
export type ScheduleProblems = Partial<Record<ScheduleField, string>>;
export type ScheduleCheck = { ok: true; schedule: NewSchedule } | { ok: false; problems: ScheduleProblems };

export const MAX_SCHEDULE_NAME = 100;

/** The presets offered under the cron field. */
export const CRON_PRESETS: ReadonlyArray<{ label: string; cron: string }> = [
  { label: "Every hour", cron: "0 * * * *" },
  { label: "Every day at 9:00", cron: "0 9 * * *" },
  { label: "Weekdays at 9:00", cron: "0 9 * * 1-5" },
  { label: "Every Monday at 9:00", cron: "0 9 * * 1" },
];

export const RUN_STATUS_LABELS: Record<ScheduleRunStatus, string> = {
  running: "Running",
  done: "Done",
  error: "Failed",
  aborted: "Stopped",
  interrupted: "Interrupted",
  skipped: "Skipped",
};

/** The computer's time zone (an IANA name), or UTC when the webview does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Every IANA time zone the webview knows, to suggest in the form (none if it cannot list them). */
export function timeZoneNames(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  try {
    return typeof intl.supportedValuesOf === "function" ? intl.supportedValuesOf("timeZone") : [];
  } catch {
    return [];
  }
}

export function emptyScheduleDraft(timezone: string = browserTimeZone()): ScheduleDraft {
  return { name: "", cron: "", timezone, prompt: "", target: "", model: "", catchUp: false, enabled: true };
}

export function draftFromSchedule(schedule: Schedule): ScheduleDraft {
  return {
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone,
    prompt: schedule.prompt,
    target: schedule.session_id ?? "",
    model: schedule.model ?? "",
    catchUp: schedule.catch_up,
    enabled: schedule.enabled,
  };
}

/**
 * The NewSchedule the draft stands for, or what is missing. Only what the form can tell for
 * sure is checked here; the backend checks the cron expression and the time zone.
 */
export function checkScheduleDraft(draft: ScheduleDraft): ScheduleCheck {
  const name = draft.name.trim();
  const cron = draft.cron.trim();
  const timezone = draft.timezone.trim();
  const problems: ScheduleProblems = {};
  if (name === "") problems.name = "Give the schedule a name.";
  else if ([...name].length > MAX_SCHEDULE_NAME) problems.name = `A name is at most ${MAX_SCHEDULE_NAME} characters.`;
  if (cron === "") problems.cron = "Say when it runs: a cron expression, or pick a preset.";
  if (timezone === "") problems.timezone = "Give a time zone, such as Europe/Berlin or UTC.";
  if (draft.prompt.trim() === "") problems.prompt = "Write the prompt it sends.";
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const schedule: NewSchedule = {
    name,
    cron,
    timezone,
    prompt: draft.prompt,
    catch_up: draft.catchUp,
    enabled: draft.enabled,
  };
  if (draft.target !== "") schedule.session_id = draft.target;
  if (draft.model !== "") schedule.model = draft.model;
  return { ok: true, schedule };
}

/** What an edit changes: only the fields that differ ("" clears the chat or the model). */
export function schedulePatch(before: Schedule, after: NewSchedule): SchedulePatch {
  const patch: SchedulePatch = {};
  if (after.name !== before.name) patch.name = after.name;
  if (after.cron !== before.cron) patch.cron = after.cron;
  if ((after.timezone ?? before.timezone) !== before.timezone) patch.timezone = after.timezone;
  if (after.prompt !== before.prompt) patch.prompt = after.prompt;
  if ((after.session_id ?? null) !== before.session_id) patch.session_id = after.session_id ?? "";
  if ((after.model ?? null) !== before.model) patch.model = after.model ?? "";
  if ((after.catch_up ?? false) !== before.catch_up) patch.catch_up = after.catch_up ?? false;
  if ((after.enabled ?? true) !== before.enabled) patch.enabled = after.enabled ?? true;
  return patch;
}

const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const DAY_ABBREVIATIONS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/** A day-of-week field's single day (0–7 or a name; 7 is Sunday too), or null. */
function dayOfWeek(field: string): number | null {
  if (/^[0-7]$/.test(field)) return Number(field) % 7;
  const at = DAY_ABBREVIATIONS.indexOf(field.toLowerCase());
  return at === -1 ? null : at;
}

function isNumber(field: string, max: number): boolean {
  return /^\d{1,2}$/.test(field) && Number(field) <= max;
}

function clock(hour: string, minute: string): string {
  return `${Number(hour)}:${minute.padStart(2, "0")}`;
}

/**
 * Common cron expressions in words ("Weekdays at 9:00"), or null for any other (shown as the
 * expression itself). Five fields, or six with a leading seconds field of 0.
 */
export function describeCron(expression: string): string | null {
  let fields = expression.trim().split(/\s+/);
  if (fields.length === 6 && fields[0] === "0") fields = fields.slice(1);
  if (fields.length !== 5) return null;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];
  if (month !== "*") return null;

  if (hour === "*" && dom === "*" && dow === "*") {
    if (minute === "*") return "Every minute";
    const every = /^\*\/(\d+)$/.exec(minute);
    if (every) return Number(every[1]) === 1 ? "Every minute" : `Every ${Number(every[1])} minutes`;
    if (isNumber(minute, 59)) return Number(minute) === 0 ? "Every hour" : `Every hour at :${minute.padStart(2, "0")}`;
    return null;
  }
  if (!isNumber(minute, 59)) return null;
  const everyHours = /^\*\/(\d+)$/.exec(hour);
  if (everyHours && dom === "*" && dow === "*" && Number(minute) === 0) {
    return Number(everyHours[1]) === 1 ? "Every hour" : `Every ${Number(everyHours[1])} hours`;
  }
  if (!isNumber(hour, 23)) return null;
  const at = clock(hour, minute);

  if (dom === "*") {
    if (dow === "*") return `Every day at ${at}`;
    const lower = dow.toLowerCase();
    if (lower === "1-5" || lower === "mon-fri") return `Weekdays at ${at}`;
    if (["0,6", "6,0", "6,7", "sat,sun", "sun,sat"].includes(lower)) return `Weekends at ${at}`;
    const day = dayOfWeek(dow);
    if (day !== null) return `Every ${DAY_NAMES[day]} at ${at}`;
    const days = dow.split(",").map(dayOfWeek);
    if (days.length > 1 && days.every((d) => d !== null)) {
      return `${days.map((d) => DAY_NAMES[d!]!.slice(0, 3)).join(", ")} at ${at}`;
    }
    return null;
  }
  if (dow === "*" && /^\d{1,2}$/.test(dom) && Number(dom) >= 1 && Number(dom) <= 31) {
    return `Monthly on day ${Number(dom)} at ${at}`;
  }
  return null;
}
