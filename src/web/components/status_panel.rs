//! The verification status panel. Its text moves on by itself as the
//! 2-hour and 5-hour thresholds pass: [`use_status_timer`] re-renders the
//! widget exactly when [`next_change_in`] says the text changes. Every state
//! has a way on: verified offers the host's next step, rejected a fresh
//! start, and an overdue review the way to the operations team.
//!
//! The panel is a function of the form's state rather than a component of
//! its own: a component costs the bundle its own lifecycle code.

use crate::core::catalog::Msg;
use crate::core::status::{next_change_in, panel_text, panel_title, pending_stage, PendingStage, Verification};
use crate::web::components::{use_effect_on, use_shown};
use crate::web::js::now_ms;
use crate::web::texts::Texts;
use gloo_timers::callback::Timeout;
use yew::prelude::*;

/// Re-renders the calling component when a pending verification's text
/// next changes (at 2 and 5 hours). Dropping the timer (the next render's
/// cleanup, or unmounting) clears it.
#[hook]
pub fn use_status_timer(verification: &Verification) {
    let tick = use_shown(|| 0u32);
    let setter = tick.clone();
    use_effect_on((verification.clone(), tick.get()), move |(verification, current)| {
        let timer = match verification {
            Verification::Pending { since_ms } => next_change_in(*since_ms, now_ms()).map(|wait| {
                let next = current + 1;
                Timeout::new((wait as u64 + 1000).min(u32::MAX as u64) as u32, move || setter.set(next))
            }),
            _ => None,
        };
        move || drop(timer)
    });
}

/// What the panel shows and what its buttons do.
pub struct StatusPanel<'a> {
    /// The verification state.
    pub verification: &'a Verification,
    /// How to reach operations (`supportUrl`), linked after 5 hours.
    pub support_url: Option<&'a str>,
    /// The host's next step after a verified result ("Continue").
    pub on_continue: Option<&'a Callback<()>>,
    /// Start a new submission after a rejection.
    pub on_restart: Callback<MouseEvent>,
    /// The customer's language.
    pub texts: &'a Texts,
}

/// The status panel (`data-testid="status"`). Its heading takes the focus
/// when a submission completes; changes are announced by the form's live
/// region, so the panel itself is not one.
pub fn status_panel(panel: StatusPanel) -> Html {
    let now = now_ms();
    let texts = panel.texts;
    let (title, text) = (texts.get(panel_title(panel.verification, now)), texts.render(&panel_text(panel.verification, now)));
    let overdue = matches!(panel.verification, Verification::Pending { since_ms } if pending_stage(*since_ms, now) == PendingStage::Overdue);
    let class = match panel.verification {
        Verification::NotStarted => "kyc-panel kyc-status",
        Verification::Pending { .. } => "kyc-panel kyc-status kyc-status-pending",
        Verification::Verified => "kyc-panel kyc-status kyc-status-verified",
        Verification::Rejected { .. } => "kyc-panel kyc-status kyc-status-rejected",
    };
    let on_continue = panel.on_continue.filter(|_| *panel.verification == Verification::Verified).cloned();
    html! {
        <section ~className={class} data-testid="status" data-status={panel.verification.as_str()} aria-labelledby="kyc-status-title">
            <h3 class="kyc-panel-title" id="kyc-status-title" tabindex="-1">{ title }</h3>
            <p class="kyc-status-text">{ text }</p>
            if let Some(url) = panel.support_url.filter(|_| overdue) {
                <a class="kyc-button" data-testid="support-link" href={url.to_owned()}>{ texts.get(Msg::StatusSupport) }</a>
            }
            if let Some(on_continue) = on_continue {
                <button type="button" class="kyc-button" data-testid="continue" onclick={move |_| on_continue.emit(())}>{ texts.get(Msg::StatusContinue) }</button>
            }
            if let Verification::Rejected { .. } = panel.verification {
                <button type="button" class="kyc-button" data-testid="restart" onclick={panel.on_restart}>
                    { texts.get(Msg::StatusRestart) }
                </button>
            }
        </section>
    }
}
