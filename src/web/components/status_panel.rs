//! The verification status panel. Its text moves on by itself as the
//! 2-hour and 5-hour thresholds pass: a timer re-renders it exactly when
//! [`next_change_in`] says the text changes.

use crate::core::status::{next_change_in, panel_text, Verification};
use crate::web::js::{clock, now_ms};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Props of [`StatusPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct StatusPanelProps {
    /// What to show.
    pub verification: Verification,
}

/// The status panel (`data-testid="status"`).
#[component]
pub fn StatusPanel(props: &StatusPanelProps) -> Html {
    let tick = use_state(|| 0u32);
    {
        let tick = tick.clone();
        use_effect_with((props.verification.clone(), *tick), move |(verification, current)| {
            // Dropping the timer (the next render's cleanup) clears it.
            let timer = match verification {
                Verification::Pending { since_ms } => next_change_in(*since_ms, now_ms()).map(|wait| {
                    let next = current + 1;
                    Timeout::new((wait as u64 + 1000).min(u32::MAX as u64) as u32, move || tick.set(next))
                }),
                _ => None,
            };
            move || drop(timer)
        });
    }
    let (title, text) = panel_text(&props.verification, now_ms(), clock);
    let class = classes!("kyc-status", format!("kyc-status-{}", props.verification.as_str()));
    html! {
        <section {class} data-testid="status" data-status={props.verification.as_str()} role="status" aria-live="polite">
            <h3 class="kyc-status-title">{ title }</h3>
            <p class="kyc-status-text">{ text }</p>
        </section>
    }
}
