// Words and numbers for token usage and cost: the chat header's session total and each
// account's total in Settings. Pure, so they are tested without rendering.
import type { Usage } from "./bindings/Usage";
import type { UsageSummary } from "./bindings/UsageSummary";

const UNITS: ReadonlyArray<[number, string]> = [
  [1e9, "B"],
  [1e6, "M"],
  [1e3, "k"],
];

/** One decimal under 100 of a unit ("1.2k", "12.3k"), none above ("123k"); "1.0" drops to "1". */
function scaled(value: number): number {
  return value < 100 ? Math.round(value * 10) / 10 : Math.round(value);
}

/** A token count, compactly: 999 → "999", 1234 → "1.2k", 1234567 → "1.2M". */
export function formatTokens(count: number): string {
  const n = Number.isFinite(count) && count > 0 ? Math.round(count) : 0;
  if (n < 1000) return String(n);
  // The smallest unit whose rounded value stays under 1000 (999 950 is "1M", not "1000k").
  for (let i = UNITS.length - 1; i >= 0; i--) {
    const [unit, suffix] = UNITS[i]!;
    const value = scaled(n / unit);
    if (value < 1000 || i === 0) return `${value}${suffix}`;
  }
  return String(n);
}

/** Dollars: "$0.42", "$12.00"; "<$0.01" for a tiny amount that would round to nothing. */
export function formatCost(usd: number): string {
  const amount = Number.isFinite(usd) && usd > 0 ? usd : 0;
  if (amount > 0 && amount < 0.01) return "<$0.01";
  return `$${amount.toFixed(2)}`;
}

/**
 * The cost as shown with its summary: "≥ " when some runs' models have no price, so the
 * amount is only part of the cost. null when no run had a price.
 */
export function costLabel(summary: UsageSummary): string | null {
  const cost = summary.cost_usd;
  if (cost === null) return null;
  if (summary.fully_priced) return formatCost(cost);
  // "at least <$0.01" says nothing; more than nothing is what is known.
  return cost > 0 && cost < 0.01 ? "> $0.00" : `≥ ${formatCost(cost)}`;
}

/** Tokens sent to the model: new input and cache reads and writes (counted apart by the backend). */
export function inputTokens(usage: Usage): number {
  return usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens;
}

export function totalTokens(usage: Usage): number {
  return inputTokens(usage) + usage.output_tokens;
}

/** An account's row in Settings: "12.3k in · 4.5k out · $0.42", or null before any use. */
export function accountUsageLabel(summary: UsageSummary | undefined): string | null {
  if (!summary || totalTokens(summary.usage) === 0) return null;
  const parts = [`${formatTokens(inputTokens(summary.usage))} in`, `${formatTokens(summary.usage.output_tokens)} out`];
  const cost = costLabel(summary);
  if (cost !== null) parts.push(cost);
  return parts.join(" · ");
}

/** The chat header: "1.2k tokens · $0.42", or null while the session has used none. */
export function sessionUsageLabel(summary: UsageSummary | null): string | null {
  if (!summary) return null;
  const total = totalTokens(summary.usage);
  if (total === 0) return null;
  const tokens = `${formatTokens(total)} ${total === 1 ? "token" : "tokens"}`;
  const cost = costLabel(summary);
  return cost === null ? tokens : `${tokens} · ${cost}`;
}

const exact = new Intl.NumberFormat("en-US");

const tokenCount = (count: number) => `${exact.format(count)} ${count === 1 ? "token" : "tokens"}`;

/** The exact counts behind a compact label, for its tooltip. */
export function usageDetails(summary: UsageSummary): string {
  const u = summary.usage;
  const lines = [`Input: ${tokenCount(u.input_tokens)}`, `Output: ${tokenCount(u.output_tokens)}`];
  if (u.cache_read_tokens > 0) lines.push(`Cache reads: ${tokenCount(u.cache_read_tokens)}`);
  if (u.cache_write_tokens > 0) lines.push(`Cache writes: ${tokenCount(u.cache_write_tokens)}`);
  if (summary.cost_usd === null) lines.push("No price is known for these models: tokens only.");
  else if (!summary.fully_priced) lines.push("Some models have no known price: the cost counts the others only.");
  return lines.join("\n");
}
