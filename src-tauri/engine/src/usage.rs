//! Token usage and cost. Prices per model live in a data file (`data/prices.json`), not in
//! code; a model without a price shows tokens only.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::frames::Usage;
use crate::store::runs::RunUsage;

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, Deserialize)]
struct Price {
    input: f64,
    output: f64,
    #[serde(default)]
    cache_read: Option<f64>,
    #[serde(default)]
    cache_write: Option<f64>,
}

#[derive(Deserialize)]
struct PriceFile {
    models: HashMap<String, Price>,
}

/// A session's (or an account's) tokens, and their cost where every model has a price.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct UsageSummary {
    pub usage: Usage,
    /// Dollars for the runs whose model has a price; null when none has.
    pub cost_usd: Option<f64>,
    /// True when every run's model has a price (so `cost_usd` is the whole cost).
    pub fully_priced: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AccountUsage {
    pub account_id: String,
    pub summary: UsageSummary,
}

pub struct Prices {
    models: Vec<(String, Price)>,
}

impl Prices {
    pub fn bundled() -> Prices {
        let file: PriceFile = serde_json::from_str(include_str!("../data/prices.json"))
            .expect("data/prices.json is valid (a test checks it)");
        let mut models: Vec<(String, Price)> = file.models.into_iter().collect();
        // Longest names first: `gpt-4o-mini` before `gpt-4o`.
        models.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Prices { models }
    }

    /// The price of a provider-side model name: exact, or the longest known prefix (dated
    /// variants such as `gpt-4o-2024-08-06`).
    ///
    /// Only dated or `-latest` variants match a shorter name, so `gpt-4o-minimal` is not
    /// priced as `gpt-4o`.
    fn find(&self, model: &str) -> Option<Price> {
        let variant = |name: &str| {
            model.strip_prefix(name).and_then(|rest| rest.strip_prefix('-')).is_some_and(|suffix| {
                suffix == "latest" || suffix.starts_with(|c: char| c.is_ascii_digit())
            })
        };
        self.models.iter().find(|(name, _)| model == name || variant(name)).map(|(_, p)| *p)
    }

    /// The cost of `usage` on `model` (`<account>/<model>` or a bare name), if priced.
    pub fn cost(&self, model: &str, usage: &Usage) -> Option<f64> {
        let name = model.split_once('/').map_or(model, |(_, m)| m);
        let p = self.find(name)?;
        let per = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        Some(
            per(usage.input_tokens, p.input)
                + per(usage.output_tokens, p.output)
                + per(usage.cache_read_tokens, p.cache_read.unwrap_or(p.input))
                + per(usage.cache_write_tokens, p.cache_write.unwrap_or(p.input)),
        )
    }

    /// A run's cost is what its runtime reported (an agent CLI counts its own), else its
    /// model's price.
    fn summarize(&self, rows: impl Iterator<Item = RunUsage>) -> UsageSummary {
        let mut summary = UsageSummary { fully_priced: true, ..Default::default() };
        for RunUsage { model, usage, cost_usd } in rows {
            summary.usage.add(&usage);
            match cost_usd.or_else(|| self.cost(&model, &usage)) {
                Some(c) => summary.cost_usd = Some(summary.cost_usd.unwrap_or(0.0) + c),
                None => summary.fully_priced = false,
            }
        }
        summary
    }

    /// A session's usage, from its runs' `(model, usage)` rows.
    pub fn session(&self, rows: Vec<RunUsage>) -> UsageSummary {
        self.summarize(rows.into_iter())
    }

    /// Usage per account (the model id's `<account>/` prefix), from every run's rows.
    pub fn by_account(&self, rows: Vec<RunUsage>) -> Vec<AccountUsage> {
        let mut by: HashMap<String, Vec<RunUsage>> = HashMap::new();
        for row in rows {
            let account = row.model.split_once('/').map_or("", |(a, _)| a).to_owned();
            by.entry(account).or_default().push(row);
        }
        let mut out: Vec<AccountUsage> = by
            .into_iter()
            .map(|(account_id, rows)| AccountUsage {
                account_id,
                summary: self.summarize(rows.into_iter()),
            })
            .collect();
        out.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_match_exact_names_and_dated_variants_longest_first() {
        let prices = Prices::bundled();
        let million =
            Usage { input_tokens: 1_000_000, output_tokens: 1_000_000, ..Default::default() };
        let mini = prices.cost("env:openai/gpt-4o-mini", &million).unwrap();
        let full = prices.cost("env:openai/gpt-4o-2024-08-06", &million).unwrap();
        assert!(mini < full, "gpt-4o-mini is not priced as gpt-4o ({mini} vs {full})");
        assert_eq!(
            prices.cost("x/unknown-model", &million),
            None,
            "unknown models show tokens only"
        );
        assert_eq!(
            prices.cost("x/gpt-4o-minimal", &million),
            None,
            "only dated or -latest variants match a shorter name"
        );
        assert!(prices.cost("env:anthropic/claude-sonnet-4-20250514", &million).is_some());
        assert!(prices.cost("env:anthropic/claude-3-5-haiku-latest", &million).is_some());
    }

    #[test]
    fn a_cost_the_runtime_reported_wins_over_the_price_list() {
        let prices = Prices::bundled();
        let usage = Usage { input_tokens: 1_000, output_tokens: 1_000, ..Default::default() };
        let row = |model: &str, cost_usd| RunUsage { model: model.into(), usage, cost_usd };
        let summary =
            prices.session(vec![row("x/unknown-model", Some(0.25)), row("x/unknown-model", None)]);
        assert_eq!(summary.cost_usd, Some(0.25), "the reported cost counts for an unpriced model");
        assert!(!summary.fully_priced, "a run with neither a report nor a price leaves a gap");
        let priced = prices.cost("env:openai/gpt-4o-mini", &usage).unwrap();
        let summary = prices.session(vec![row("env:openai/gpt-4o-mini", Some(1.5))]);
        assert_eq!(summary.cost_usd, Some(1.5), "not {priced}: the agent CLI counted its own cost");
    }
}
