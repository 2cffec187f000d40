//! A `Sleeper` that records the waits it is asked for instead of sleeping, so retry
//! tests check backoff and `retry-after` without real time passing.
#![allow(dead_code)]

use async_trait::async_trait;
use interview_coach::coach::llm::Sleeper;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Default)]
pub struct RecordingSleeper(pub Mutex<Vec<Duration>>);

#[async_trait]
impl Sleeper for RecordingSleeper {
    async fn sleep(&self, d: Duration) {
        self.0.lock().unwrap().push(d);
    }
}

impl RecordingSleeper {
    /// Every wait asked for so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}
