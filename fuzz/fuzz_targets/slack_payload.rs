//! A cargo-fuzz target: the bytes go to `interview_coach::fuzz_checks::slack_payload`,
//! which says what they mean and what must hold (the corpus replay test runs the same
//! check).
#![no_main]

use interview_coach::fuzz_checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_checks::slack_payload(data));
