//! The verification status panel. Its text moves on by itself as the
//! 2-hour and 5-hour thresholds pass: a timer re-renders it exactly when
//! [`next_change_in`] says the text changes. Every state has a way on:
//! verified offers the host's next step, rejected a fresh start, and an
//! overdue review the way to the operations team.

use crate::core::status::{next_change_in, panel_text, pending_stage, PendingStage, Verification};
use crate::web::js::{clock, now_ms};
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Props of [`StatusPanel`].
#[derive(Properties, PartialEq, Clone)]
pub struct StatusPanelProps {
    /// What to show.
    pub verification: Verification,
    /// How to reach operations (`supportUrl`), linked after 5 hours.
    #[prop_or_default]
    pub support_url: Option<String>,
    /// The host's next step after a verified result ("Continue").
    #[prop_or_default]
    pub on_continue: Option<Callback<()>>,
    /// Start a new submission after a rejection.
    pub on_restart: Callback<MouseEvent>,
}

/// The status panel (`data-testid="status"`). Its heading takes the focus
/// when a submission completes; changes are announced by the form's live
/// region, so the panel itself is not one.
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
    let now = now_ms();
    let (title, text) = panel_text(&props.verification, now, clock);
    let overdue = matches!(props.verification, Verification::Pending { since_ms } if pending_stage(since_ms, now) == PendingStage::Overdue);
    let class = match props.verification {
        Verification::NotStarted => "kyc-panel kyc-status",
        Verification::Pending { .. } => "kyc-panel kyc-status kyc-status-pending",
        Verification::Verified => "kyc-panel kyc-status kyc-status-verified",
        Verification::Rejected { .. } => "kyc-panel kyc-status kyc-status-rejected",
    };
    html! {
        <section {class} data-testid="status" data-status={props.verification.as_str()} aria-labelledby="kyc-status-title">
            <h3 class="kyc-panel-title" id="kyc-status-title" tabindex="-1">{ title }</h3>
            <p class="kyc-status-text">{ text }</p>
            if let Some(url) = props.support_url.clone().filter(|_| overdue) {
                <a class="kyc-button" data-testid="support-link" href={url}>{ "Contact the operations team" }</a>
            }
            if let (Verification::Verified, Some(on_continue)) = (&props.verification, props.on_continue.clone()) {
                <button type="button" class="kyc-button" data-testid="continue" onclick={move |_| on_continue.emit(())}>{ "Continue" }</button>
            }
            if let Verification::Rejected { .. } = props.verification {
                <button type="button" class="kyc-button" data-testid="restart" onclick={props.on_restart.clone()}>
                    { "Start again with new documents" }
                </button>
            }
        </section>
    }
}
