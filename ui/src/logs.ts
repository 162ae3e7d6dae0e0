// Logs in Settings: the filters as a LogQuery, the lines kept as new ones arrive, and a line
// as text to copy. Pure, so it is tested without rendering.
import type { LogLevel } from "./bindings/LogLevel";
import type { LogLine } from "./bindings/LogLine";
import type { LogQuery } from "./bindings/LogQuery";

/** At most this many lines are kept; the oldest go first. */
export const MAX_LOG_LINES = 2000;
/** How often the open Logs section asks for new lines. */
export const LOG_POLL_MS = 2000;

export type LevelFilter = "all" | Exclude<LogLevel, "trace">;
export const LEVEL_FILTERS: ReadonlyArray<{ value: LevelFilter; label: string }> = [
  { value: "all", label: "All levels" },
  { value: "debug", label: "Debug and above" },
  { value: "info", label: "Info and above" },
  { value: "warn", label: "Warnings and errors" },
  { value: "error", label: "Errors only" },
];

export interface LogFilters {
  level: LevelFilter;
  /** "" = every chat. */
  sessionId: string;
  search: string;
}

export const NO_LOG_FILTERS: LogFilters = { level: "all", sessionId: "", search: "" };

/** The query for the filters; with `afterSeq`, only the lines after it. */
export function logQuery(filters: LogFilters, afterSeq: number | null = null): LogQuery {
  const query: LogQuery = {};
  if (filters.level !== "all") query.level = filters.level;
  if (filters.sessionId !== "") query.session_id = filters.sessionId;
  const q = filters.search.trim();
  if (q !== "") query.q = q;
  if (afterSeq !== null) query.after_seq = afterSeq;
  return query;
}

/** `kept` and then the lines of `incoming` newer than its last, the newest MAX_LOG_LINES of them. */
export function appendLines(kept: readonly LogLine[], incoming: readonly LogLine[]): readonly LogLine[] {
  const last = kept.length > 0 ? kept[kept.length - 1]!.seq : -Infinity;
  const fresh = incoming.filter((line) => line.seq > last);
  if (fresh.length === 0) return kept;
  const all = [...kept, ...fresh];
  return all.length > MAX_LOG_LINES ? all.slice(all.length - MAX_LOG_LINES) : all;
}

/** The newest MAX_LOG_LINES of a first answer. */
export function capLines(lines: readonly LogLine[]): readonly LogLine[] {
  return lines.length > MAX_LOG_LINES ? lines.slice(lines.length - MAX_LOG_LINES) : lines;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local time of day, to the millisecond: `14:03:07.042`. */
export function logTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** One line as text: ISO time, level, target, message, fields, and its chat. */
export function logLineText(line: LogLine): string {
  const parts = [new Date(line.ts).toISOString(), line.level.toUpperCase().padEnd(5), line.target, line.message];
  if (line.fields) parts.push(line.fields);
  if (line.session_id) parts.push(`session=${line.session_id}`);
  return parts.join(" ");
}
