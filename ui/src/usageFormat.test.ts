import { describe, expect, it } from "vitest";
import type { Usage } from "./bindings/Usage";
import type { UsageSummary } from "./bindings/UsageSummary";
import {
  accountUsageLabel,
  costLabel,
  formatCost,
  formatTokens,
  sessionUsageLabel,
  totalTokens,
  usageDetails,
} from "./usageFormat";

const usage = (input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: cacheRead,
  cache_write_tokens: cacheWrite,
});

const summary = (u: Usage, cost: number | null, fullyPriced = cost !== null): UsageSummary => ({
  usage: u,
  cost_usd: cost,
  fully_priced: fullyPriced,
});

describe("formatTokens", () => {
  it("writes small counts as they are", () => {
    expect(formatTokens(0)).toBe("0");
    expect(formatTokens(7)).toBe("7");
    expect(formatTokens(999)).toBe("999");
  });

  it("writes thousands and millions with one decimal, dropping a .0", () => {
    expect(formatTokens(1234)).toBe("1.2k");
    expect(formatTokens(1000)).toBe("1k");
    expect(formatTokens(12_345)).toBe("12.3k");
    expect(formatTokens(4_500)).toBe("4.5k");
    expect(formatTokens(1_234_567)).toBe("1.2M");
    expect(formatTokens(2_000_000)).toBe("2M");
    expect(formatTokens(3_450_000_000)).toBe("3.5B");
  });

  it("drops the decimal from 100 of a unit up", () => {
    expect(formatTokens(123_456)).toBe("123k");
    expect(formatTokens(99_960)).toBe("100k");
    expect(formatTokens(456_700_000)).toBe("457M");
  });

  it("moves to the next unit rather than writing 1000k", () => {
    expect(formatTokens(999_499)).toBe("999k");
    expect(formatTokens(999_500)).toBe("1M");
    expect(formatTokens(999_999_999)).toBe("1B");
  });

  it("never shows a negative or broken number", () => {
    expect(formatTokens(-5)).toBe("0");
    expect(formatTokens(Number.NaN)).toBe("0");
  });
});

describe("formatCost", () => {
  it("writes dollars with two decimals", () => {
    expect(formatCost(0.42)).toBe("$0.42");
    expect(formatCost(12)).toBe("$12.00");
    expect(formatCost(3.456)).toBe("$3.46");
    expect(formatCost(0.01)).toBe("$0.01");
  });

  it("says <$0.01 for a tiny amount, and $0.00 for none", () => {
    expect(formatCost(0.003)).toBe("<$0.01");
    expect(formatCost(0.0000004)).toBe("<$0.01");
    expect(formatCost(0)).toBe("$0.00");
  });
});

describe("costLabel", () => {
  it("is the cost when every run was priced, none when no run was", () => {
    expect(costLabel(summary(usage(10, 10), 0.42))).toBe("$0.42");
    expect(costLabel(summary(usage(10, 10), null))).toBeNull();
  });

  it("says at least when some runs had no price", () => {
    expect(costLabel(summary(usage(10, 10), 0.42, false))).toBe("≥ $0.42");
    expect(costLabel(summary(usage(10, 10), 0.001, false)), "not “≥ <$0.01”").toBe("> $0.00");
    expect(costLabel(summary(usage(10, 10), 0, false))).toBe("≥ $0.00");
  });
});

describe("accountUsageLabel", () => {
  it("shows tokens in and out, then the cost", () => {
    expect(accountUsageLabel(summary(usage(12_300, 4_500), 0.42))).toBe("12.3k in · 4.5k out · $0.42");
  });

  it("prefixes ≥ when the cost is partial, and shows tokens only when nothing was priced", () => {
    expect(accountUsageLabel(summary(usage(12_300, 4_500), 0.42, false))).toBe("12.3k in · 4.5k out · ≥ $0.42");
    expect(accountUsageLabel(summary(usage(12_300, 4_500), null))).toBe("12.3k in · 4.5k out");
  });

  it("counts cache reads and writes as input", () => {
    expect(accountUsageLabel(summary(usage(300, 50, 9_000, 700), null))).toBe("10k in · 50 out");
  });

  it("is null for an account with no use yet", () => {
    expect(accountUsageLabel(undefined)).toBeNull();
    expect(accountUsageLabel(summary(usage(0, 0), null))).toBeNull();
  });
});

describe("sessionUsageLabel", () => {
  it("shows the total tokens and the cost", () => {
    expect(sessionUsageLabel(summary(usage(1_000, 234), 0.42))).toBe("1.2k tokens · $0.42");
    expect(sessionUsageLabel(summary(usage(900, 300), 0.003))).toBe("1.2k tokens · <$0.01");
    expect(sessionUsageLabel(summary(usage(900, 300), 0.5, false))).toBe("1.2k tokens · ≥ $0.50");
  });

  it("shows tokens only when no price is known", () => {
    expect(sessionUsageLabel(summary(usage(40, 2), null))).toBe("42 tokens");
    expect(sessionUsageLabel(summary(usage(1, 0), null))).toBe("1 token");
  });

  it("is hidden (null) before any token", () => {
    expect(sessionUsageLabel(null)).toBeNull();
    expect(sessionUsageLabel(summary(usage(0, 0), 0))).toBeNull();
  });

  it("adds every kind of token", () => {
    expect(totalTokens(usage(1, 2, 3, 4))).toBe(10);
  });
});

describe("usageDetails", () => {
  it("gives the exact counts and says when the cost is partial or unknown", () => {
    expect(usageDetails(summary(usage(12_345, 678, 9_000), 0.42, false))).toBe(
      [
        "Input: 12,345 tokens",
        "Output: 678 tokens",
        "Cache reads: 9,000 tokens",
        "Some models have no known price: the cost counts the others only.",
      ].join("\n"),
    );
    expect(usageDetails(summary(usage(1, 1), null))).toContain("tokens only");
    expect(usageDetails(summary(usage(1, 1, 0, 5), 1))).toBe("Input: 1 token\nOutput: 1 token\nCache writes: 5 tokens");
  });
});
