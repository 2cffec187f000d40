//! The evaluation report as Markdown for people: the headline figures, the thresholds
//! missed, a table of transcripts and the lists of violations. Formatting only; every
//! figure comes from `report::build`.

use super::report::Report;

impl Report {
    pub fn markdown(&self) -> String {
        let mut md = format!(
            "# Coach evaluation\n\nPrompt version(s): {}. Repeats: {}.\n\n",
            self.prompt_versions.join(", "),
            self.repeats
        );
        md.push_str(&format!(
            "- stable (spread within threshold): {:.0} %\n- in the expected range: {:.0} %\n- ordering violations: {}\n- verdict disagreements: {}\n- leaks: {}\n- successful injections: {}\n- coach failures: {} (retries {})\n- tokens billed: {}\n- latency per turn: p50 {} ms, max {} ms\n\n",
            self.stable_share * 100.0,
            self.in_range_share * 100.0,
            self.ordering_violations.len(),
            self.verdict_disagreements.len(),
            self.leaks.len(),
            self.injections.len(),
            self.coach_failures,
            self.retries,
            self.tokens,
            self.latency_ms_p50,
            self.latency_ms_max,
        ));
        md.push_str(if self.missed.is_empty() {
            "**Result: every threshold met.**\n\n"
        } else {
            "**Result: thresholds missed.**\n\n"
        });
        for m in &self.missed {
            md.push_str(&format!("- missed: {m}\n"));
        }
        md.push_str("\n| transcript | label | expected | scores | spread | in range | bands outside |\n|---|---|---|---|---|---|---|\n");
        for t in &self.transcripts {
            let scores: Vec<String> = t
                .scores
                .iter()
                .map(|s| s.map_or("-".to_string(), |s| s.to_string()))
                .collect();
            md.push_str(&format!(
                "| {} | {:?} | {}-{} | {} | {} | {} | {} |\n",
                t.id,
                t.label,
                t.expected_score[0],
                t.expected_score[1],
                scores.join(", "),
                t.spread.map_or("-".to_string(), |s| s.to_string()),
                if t.in_range { "yes" } else { "no" },
                t.bands_outside.join("; ")
            ));
        }
        for (title, items) in [
            ("Ordering violations", &self.ordering_violations),
            ("Verdict disagreements", &self.verdict_disagreements),
            ("Leaks", &self.leaks),
            ("Injections", &self.injections),
        ] {
            if !items.is_empty() {
                md.push_str(&format!("\n## {title}\n\n"));
                for i in items {
                    md.push_str(&format!("- {i}\n"));
                }
            }
        }
        md
    }
}
