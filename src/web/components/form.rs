//! The root component, `KycUpload`: the document-type choice, the slots,
//! the submit button, the form message and the status panel. It checks
//! everything before any request, refuses business customers, and starts
//! a [`Flow`] on submit.

use crate::core::catalog::Msg;
use crate::core::options::Options;
use crate::core::outcome::{outcome_message, stopped_file_text};
use crate::core::plan::{Outcome, SelectionId};
use crate::core::retry::{RetryDecision, RetryPolicy};
use crate::core::settle::{verdict, CustomerStatus, Verdict};
use crate::core::rules::{slot_required, slot_visible, CustomerType, DocumentType, Slot};
use crate::core::sniff::{slot_takes_drop, FileKind};
use crate::core::status::Verification;
use crate::core::validate::{check_file, check_form, photo_gate, submit_summary, FileFacts, Problem};
use crate::web::api::Api;
use crate::core::camera::{shows_camera, subject, Capture, Failure, Liveness};
use crate::web::camera;
use crate::web::components::file_slot::{camera_selector, file_slot, first_file, input_selector, mark_drop_target, Previews};
use crate::web::components::{
    camera_view, flag, status_panel, use_camera, use_effect_on, use_element_ref, use_shown, use_status_timer, CameraOpen, CameraSlot, EveryRender,
    FileSlot, Shown, StatusPanel,
};
use crate::web::flow::{FileEntry, Flow, FlowUpdate};
use crate::web::js::{now_ms, sleep, uuid};
use crate::web::prepare::{check_photo, file_facts};
use crate::web::resume;
use crate::web::state::{Action, Chosen, FormState, Notice, SlotPhase, Stage};
use crate::web::texts::{chosen_locale, load as load_locale, loaded, Texts};
use crate::web::token::{TokenSource, Tokens};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{File, HtmlElement, HtmlSelectElement};
use yew::prelude::*;

/// Upload progress, for `onProgress`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProgressInfo {
    /// The slot.
    pub slot: Slot,
    /// Bytes sent.
    pub loaded: f64,
    /// Bytes in all.
    pub total: f64,
}

/// A completed submission, for `onSubmitted`.
#[derive(Clone, Debug, PartialEq)]
pub struct SubmittedInfo {
    /// The customer.
    pub customer_id: String,
    /// Slot → file id, as now recorded on the platform.
    pub files: Vec<(Slot, String)>,
    /// When it was accepted (ms since the epoch).
    pub submitted_at_ms: f64,
}

/// An error for `onError`: a stable code and a human message.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetError {
    /// Stable snake_case code.
    pub code: String,
    /// Human text.
    pub message: String,
    /// The slot concerned, if any.
    pub slot: Option<Slot>,
}

/// Props of [`KycUpload`]: the options of the JS surface, for Rust hosts.
#[derive(Properties, PartialEq, Clone)]
pub struct KycUploadProps {
    /// Checked options ([`crate::core::options::parse_options`]).
    pub options: Rc<Options>,
    /// Where tokens come from.
    pub tokens: TokenSource,
    /// Upload progress.
    #[prop_or_default]
    pub on_progress: Callback<ProgressInfo>,
    /// `id_file` was accepted: verification started.
    #[prop_or_default]
    pub on_submitted: Callback<SubmittedInfo>,
    /// Something failed or was refused.
    #[prop_or_default]
    pub on_error: Callback<WidgetError>,
    /// The verification state changed.
    #[prop_or_default]
    pub on_status_change: Callback<Verification>,
    /// The result forwarded by the host (`setStatus`).
    #[prop_or_default]
    pub status: Option<Verification>,
    /// A submission started (`true`, at the click) or ended (`false`):
    /// while it runs, restarting the widget would abort uploads in flight.
    #[prop_or_default]
    pub on_busy_change: Callback<bool>,
    /// The host's next step after a verified result: when set, the verified
    /// panel shows a "Continue" button that calls it.
    #[prop_or_default]
    pub on_continue: Option<Callback<()>>,
}

/// Where focus goes after the next render (a CSS selector inside the
/// widget), so that it never falls to the page's body.
type FocusRequest = Rc<RefCell<Option<&'static str>>>;

fn focus_later(focus: &FocusRequest, selector: &'static str) {
    *focus.borrow_mut() = Some(selector);
}

/// The texts of the current render, for the work that outlives it (a
/// submission, the customer read): an error reported later is in the
/// language shown then.
type SharedTexts = Rc<RefCell<Rc<Texts>>>;

fn business_notice() -> Notice {
    Notice::error("business_customer", Msg::BusinessText)
}

/// The language shown: the chosen locale's texts once its file is loaded
/// (at once when this page loaded it before), English until then or if it
/// cannot be loaded; the host's `messages` over either.
#[hook]
fn use_texts(options: &Rc<Options>) -> Rc<Texts> {
    let locale = chosen_locale(options.locale.as_deref());
    let base = options.locales_url.clone().unwrap_or_default();
    let shown = use_shown(|| loaded(locale, &base).map_or(("en", Rc::default()), |catalog| (locale, catalog)));
    let wanted = use_mut_ref(|| locale);
    *wanted.borrow_mut() = locale;
    {
        let shown = shown.clone();
        use_effect_on((locale, base), move |(locale, base)| {
            let (locale, base) = (*locale, base.clone());
            if shown.get().0 != locale {
                spawn_local(async move {
                    let catalog = load_locale(locale, base).await;
                    // A later switch wins over a slower earlier load.
                    if *wanted.borrow() == locale {
                        shown.set(catalog.map_or(("en", Rc::default()), |catalog| (locale, catalog)));
                    }
                });
            }
        });
    }
    let (locale, catalog) = shown.get();
    use_memo((locale, Rc::as_ptr(&catalog) as usize, options.clone()), move |(locale, _, options)| {
        Texts::new(locale, &catalog, &options.overrides_for(locale))
    })
}

/// The KYC document upload widget.
#[component]
pub fn KycUpload(props: &KycUploadProps) -> Html {
    let initial = match props.options.customer_type {
        Some(CustomerType::Individual) => Stage::Editing,
        Some(CustomerType::Business) => Stage::Refused,
        None => Stage::Loading,
    };
    let texts = use_texts(&props.options);
    let shared_texts: SharedTexts = use_mut_ref(|| texts.clone());
    *shared_texts.borrow_mut() = texts.clone();
    let customer_id = props.options.customer_id.clone();
    let shown_state = use_shown(move || {
        let mut s = FormState::new(initial.clone(), uuid());
        if initial == Stage::Refused {
            s.message = Some(business_notice());
        } else if let Some(record) = resume::load(&customer_id) {
            s = s.restore(record);
            if s.final_sent {
                // The last visit sent id_file without learning the outcome:
                // read it before anything else.
                s.stage = Stage::Loading;
                s.message = Some(Notice::warning("settling", Msg::FormSettling));
            }
        }
        Rc::new(s)
    });
    // This render's state, and the way to change it.
    let state = shown_state.get();
    let dispatch = Dispatch(shown_state);
    let api = use_memo((props.options.clone(), props.tokens.clone()), |(options, tokens)| {
        Rc::new(Api::new(&options.api_base, &options.customer_id, Tokens::new(tokens.clone())).with_stall_timeout(options.stall_timeout_ms))
    });
    let flow: Rc<RefCell<Option<Flow>>> = use_mut_ref(|| None);
    // Unmounting (`destroy()`) aborts the running submission. The flow's own
    // callback holds a clone of this cell, so it must be emptied explicitly.
    {
        let flow = flow.clone();
        use_effect_on((), move |()| move || drop(flow.borrow_mut().take()));
    }
    let root = use_element_ref();
    let focus: FocusRequest = use_mut_ref(|| None);
    use_status_timer(&state.verification);
    // After a language switch the live region shows only what is announced
    // from then on: screen readers must not read it all again, translated.
    let live_from: Rc<RefCell<(&'static str, u32)>> = use_mut_ref(|| (texts.locale, 0));
    let live_from = {
        let mut from = live_from.borrow_mut();
        if from.0 != texts.locale {
            *from = (texts.locale, state.live.last().map_or(0, |(n, _)| *n));
        }
        from.1
    };
    // The slots' preview URLs, revoked when their blobs change or go.
    let previews = use_mut_ref(Previews::default);
    // Restored files take the first selection ids; new choices start above.
    let next_selection = use_mut_ref(|| 1000 as SelectionId);

    let keeper = use_memo(props.options.customer_id.clone(), |customer_id| resume::Keeper::new(customer_id));
    // The live camera: at most one slot's preview open, and the last
    // failure, shown in its slot.
    let camera_state: Shown<CameraState> = use_shown(|| (None, None));
    let camera_blocker = *use_memo((), |()| camera::blocker());
    // A click while photos are still being checked is kept, and the
    // submission starts as soon as the checks finish.
    let queued: Rc<RefCell<bool>> = use_mut_ref(|| false);
    // What the handlers and effects below share.
    let form = Rc::new(Form {
        state: state.clone(),
        dispatch: dispatch.clone(),
        props: props.clone(),
        api: (*api).clone(),
        flow: flow.clone(),
        focus: focus.clone(),
        texts: shared_texts.clone(),
        keeper: keeper.clone(),
        queued,
        next_selection,
        camera: camera_state,
        camera_blocker,
    });
    // After each render: the focus goes where it was asked to; what a
    // reload needs is kept in sessionStorage (ids only, never bytes or
    // tokens; a submission sending id_file writes it sooner, see `Batch`);
    // and a submit click kept while photos were being checked starts the
    // submission once no photo is.
    {
        let (root, focus, keeper, form) = (root.clone(), focus.clone(), keeper.clone(), form.clone());
        let record = (state.stage != Stage::Refused).then(|| state.resume_record());
        let checking = Slot::ALL.iter().any(|s| state.slot(*s).phase == SlotPhase::Checking);
        use_effect_on(EveryRender, move |_| {
            let wanted = focus.borrow_mut().take();
            let target = wanted.and_then(|selector| root.cast::<HtmlElement>()?.query_selector(selector).ok().flatten());
            if let Some(element) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
                let _ = element.focus();
            }
            if let Some(record) = record {
                keeper.keep(record);
            }
            if !checking && form.queued.replace(false) {
                form.submit();
            }
        });
    }

    // Refuse business customers, or read the customer first when the host
    // did not say what type it is, or when a reload must settle whether
    // the last visit's id_file request took effect.
    {
        let form = form.clone();
        let settle = state.final_sent && state.stage == Stage::Loading;
        use_effect_on(props.options.customer_type, move |customer_type| {
            match customer_type {
                Some(CustomerType::Business) => {
                    // Also when the host switches a running widget to business.
                    form.dispatch.dispatch(Action::Refuse(business_notice()));
                    form.props.on_error.emit(error_of(&form.texts, &business_notice(), None));
                }
                Some(CustomerType::Individual) if !settle => {}
                _ => spawn_local(load_customer(form, settle)),
            }
        });
    }
    // The host forwards webhook results with `setStatus`. A result that
    // arrives while the id_file request's outcome is being settled settles
    // it: verification started.
    {
        let form = form.clone();
        use_effect_on(props.status.clone(), move |status| {
            let Some(status) = status else { return };
            let Form { state, dispatch, flow, props, .. } = &*form;
            let started = *status != Verification::NotStarted;
            let settling = flow.borrow().as_ref().is_some_and(Flow::final_request_sent);
            if started && (settling || state.stage == Stage::Unconfirmed) {
                // Dropping the flow aborts its retries and status reads.
                drop(stop_flow(flow, &props.on_busy_change));
                let files = submitted_files(state);
                props.on_submitted.emit(SubmittedInfo { customer_id: props.options.customer_id.clone(), files, submitted_at_ms: now_ms() });
                dispatch.dispatch(Action::Flow(FlowUpdate::Finished { outcome: Outcome::Confirmed, known: vec![], refused: vec![] }));
            }
            dispatch.dispatch(Action::Verification(status.clone()));
        });
    }
    {
        let on_status_change = props.on_status_change.clone();
        use_effect_on(state.verification.clone(), move |verification| {
            if *verification != Verification::NotStarted {
                on_status_change.emit(verification.clone());
            }
        });
    }
    // Optional polling of the customer while verification is pending.
    {
        let form = form.clone();
        let pending = matches!(state.verification, Verification::Pending { .. });
        use_effect_on(pending, move |pending| {
            let alive = Rc::new(std::cell::Cell::new(true));
            if *pending && form.props.options.poll_status {
                let alive = alive.clone();
                spawn_local(async move {
                    while alive.get() {
                        sleep(form.props.options.poll_interval_ms).await;
                        if !alive.get() {
                            break;
                        }
                        if let Ok(customer) = form.api.customer().await {
                            if let Some(v) = verification_of(&customer) {
                                if !matches!(v, Verification::Pending { .. }) {
                                    form.dispatch.dispatch(Action::Verification(v));
                                    break;
                                }
                            }
                        }
                    }
                });
            }
            move || alive.set(false)
        });
    }

    let on_choose = handler(&form, Form::choose);
    let on_remove = handler(&form, Form::remove);
    let (on_camera_open, on_camera_close, on_camera_file) =
        (handler(&form, Form::open_camera), handler(&form, Form::close_camera), handler(&form, Form::camera_file));
    let (open_camera, camera_failure) = form.camera.get();
    let camera_for = |slot: Slot| {
        shows_camera(props.options.capture, slot, camera_blocker.is_none()).then(|| CameraSlot {
            first: props.options.capture == Capture::Camera,
            open: open_camera == Some(slot),
            video: form.records(slot),
            failure: camera_failure.filter(|(s, _)| *s == slot).map(|(_, f)| f),
            on_open: on_camera_open.clone(),
        })
    };
    // The camera, open in one slot's card at most: not while the slots
    // can't be changed.
    let camera_open = open_camera
        .filter(|slot| {
            slot_visible(state.document, *slot)
                && !slots_disabled(&state.stage)
                && state.stage != Stage::Submitting
                && shows_camera(props.options.capture, *slot, camera_blocker.is_none())
        })
        .map(|slot| CameraOpen {
            slot,
            document: state.document,
            video: form.records(slot),
            on_file: on_camera_file.reform(move |file| (slot, file)),
            on_close: on_camera_close.reform(move |failure| (slot, failure)),
        });
    let camera = use_camera(camera_open.clone());
    // The form shows it takes the drop while a file is dragged over it.
    let on_drag_over = Callback::from(|e: DragEvent| {
        e.prevent_default();
        mark_drop_target(&e, true);
    });
    let on_drag_leave = Callback::from(|e: DragEvent| mark_drop_target(&e, false));
    let on_drop = handler(&form, Form::drop_file);
    let on_restart = handler(&form, Form::restart);
    let on_document = handler(&form, Form::choose_document);
    let on_submit = handler(&form, Form::submit_clicked);

    let busy = state.stage == Stage::Submitting;
    let unconfirmed = state.stage == Stage::Unconfirmed;
    let locked = matches!(state.stage, Stage::Submitting | Stage::Submitted | Stage::Refused | Stage::Loading);
    let document = state.document;
    let show_form = !matches!(state.stage, Stage::Refused | Stage::Submitted);
    let message_class = match &state.message {
        Some(m) if m.blocking => "kyc-message kyc-error",
        Some(_) => "kyc-message kyc-warning",
        None => "kyc-message",
    };
    let message = html! {
        <p id="kyc-message" ~className={message_class} data-testid="message">
            { state.message.as_ref().map(|m| texts.render(&m.text)).unwrap_or_default() }
        </p>
    };
    // A document-type problem sits under the select it is about.
    let doc_problem = state.message.as_ref().is_some_and(|m| m.code.starts_with("document_type_"));
    let business = state.message.as_ref().is_some_and(|m| m.code == "business_customer");
    let previews = previews.borrow_mut().urls(&state);
    html! {
        <div class="kyc-upload" lang={texts.locale} dir={texts.direction()} data-stage={state.stage.as_str()} ref={root}
             ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
            <div class="kyc-sr" data-testid="live" role="status" aria-live="polite">
                { for state.live.iter().filter(|(n, _)| *n > live_from).map(|(n, text)| html! { <p key={*n}>{ texts.render(text) }</p> }) }
            </div>
            if show_form {
                <form class="kyc-form" novalidate=true onsubmit={on_submit}>
                    <div class="kyc-field">
                        <label for="kyc-doc-type" class="kyc-label">{ texts.get(Msg::DocLabel) }</label>
                        <select id="kyc-doc-type" class="kyc-select" data-testid="doc-type" disabled={locked || unconfirmed} onchange={on_document}
                                aria-required="true" aria-invalid={flag(doc_problem)}
                                aria-describedby={if doc_problem { "kyc-doc-hint kyc-message" } else { "kyc-doc-hint" }}>
                            <option value="" selected={document.is_none()}>{ texts.get(Msg::DocPlaceholder) }</option>
                            { for DocumentType::ALL.iter().map(|d| html! {
                                <option value={d.as_str()} selected={document == Some(*d)}>{ texts.get(d.label()) }</option>
                            }) }
                        </select>
                        <p class="kyc-hint" id="kyc-doc-hint">{ texts.get(Msg::DocHint) }</p>
                        if doc_problem { { message.clone() } }
                    </div>
                    // In their own element: a keyed list among unkeyed
                    // siblings would be matched by position, from the end,
                    // re-creating the document select when a slot appears.
                    <div class="kyc-slots">
                    { for Slot::ALL.into_iter().zip(previews).filter(|(s, _)| slot_visible(document, *s)).map(|(slot, preview)| file_slot(FileSlot {
                        slot,
                        document,
                        state: state.slot(slot),
                        required: slot_required(document, slot, props.options.requirements),
                        disabled: slots_disabled(&state.stage),
                        locked: busy,
                        on_choose: on_choose.clone(),
                        on_remove: on_remove.clone(),
                        texts: &texts,
                        camera: camera_for(slot),
                        live: camera_open.as_ref().filter(|open| open.slot == slot).map(|open| camera_view(&camera, open, &texts)),
                        preview,
                    })) }
                    </div>
                    // While busy the button stays enabled (a focused button that is
                    // disabled drops focus to the body) and says so instead;
                    // `submit` ignores a click while a submission runs.
                    <button type="submit" class="kyc-submit" data-testid="submit" disabled={locked && !busy}
                            aria-disabled={flag(busy)} aria-busy={flag(busy)}>
                        { texts.get(if busy { Msg::SubmitBusy } else if unconfirmed { Msg::SubmitCheckAgain } else { Msg::SubmitButton }) }
                    </button>
                </form>
            }
            if state.stage == Stage::Refused {
                <section class="kyc-panel kyc-refusal" aria-labelledby="kyc-refusal-title">
                    <h3 class="kyc-panel-title" id="kyc-refusal-title">
                        { texts.get(if business { Msg::BusinessTitle } else { Msg::RefusalTitle }) }
                    </h3>
                    { message.clone() }
                    if let Some(url) = props.options.kyb_url.clone().filter(|_| business) {
                        <a class="kyc-button" data-testid="kyb-link" href={url}>{ texts.get(Msg::BusinessLink) }</a>
                    }
                </section>
            } else if !doc_problem {
                { message }
            }
            if state.stage == Stage::Submitted {
                { status_panel(StatusPanel {
                    verification: &state.verification,
                    support_url: props.options.support_url.as_deref(),
                    on_continue: props.on_continue.as_ref(),
                    on_restart,
                    texts: &texts,
                }) }
            }
        </div>
    }
}

/// The slot whose camera preview is open, and the slot whose camera last
/// failed, with why.
type CameraState = (Option<Slot>, Option<(Slot, Failure)>);

/// Whether files can't be chosen now: before the customer is read, after
/// the submission, for a refused customer, or while an unconfirmed
/// outcome waits to be checked again.
fn slots_disabled(stage: &Stage) -> bool {
    matches!(stage, Stage::Submitted | Stage::Refused | Stage::Loading | Stage::Unconfirmed)
}

/// Reads the customer (retrying transient failures as the core policy
/// says, honouring `Retry-After`): refuses business customers, shows a
/// verification already under way, and settles the last visit's
/// unanswered `id_file` request (`settle`; the form as it was restored has
/// its files, for `onSubmitted`).
async fn load_customer(form: Rc<Form>, settle: bool) {
    let Form { api, state, dispatch, props, texts, .. } = &*form;
    let policy = RetryPolicy::default();
    let mut attempt = 0;
    let customer = loop {
        attempt += 1;
        match api.customer().await {
            Ok(customer) => break customer,
            Err(failure) => {
                if let RetryDecision::After(ms) = policy.after_failure(attempt, &failure, js_sys::Math::random()) {
                    sleep(ms).await;
                    continue;
                }
                if settle {
                    let update = FlowUpdate::Finished { outcome: Outcome::Unconfirmed { failure }, known: vec![], refused: vec![] };
                    end_with(dispatch, props, texts, update, None);
                } else {
                    let notice = Notice::error(failure.code(), Msg::FormLoadFailed.with("reason", failure.explain()));
                    props.on_error.emit(error_of(texts, &notice, None));
                    dispatch.dispatch(Action::Refuse(notice));
                }
                return;
            }
        }
    };
    if customer.kind == "business" {
        dispatch.dispatch(Action::Refuse(business_notice()));
        props.on_error.emit(error_of(texts, &business_notice(), None));
        return;
    }
    let status = CustomerStatus { verification_status: customer.verification_status.clone(), submitted_at: customer.submitted_at.clone() };
    let verification = verification_of(&customer);
    if settle {
        let started = verdict(&status, None) == Some(Verdict::Started);
        let outcome = if started { Outcome::Confirmed } else { Outcome::Cancelled };
        dispatch.dispatch(Action::Flow(FlowUpdate::Finished { outcome, known: vec![], refused: vec![] }));
        if started {
            let files = submitted_files(state);
            let submitted_at_ms = verification_since(&verification);
            props.on_submitted.emit(SubmittedInfo { customer_id: props.options.customer_id.clone(), files, submitted_at_ms });
        } else {
            dispatch.dispatch(Action::Problems {
                form: Some(Notice::warning("not_submitted", Msg::FormNotSubmitted)),
                slots: vec![],
            });
        }
    } else {
        dispatch.dispatch(Action::StatusBefore(status));
    }
    dispatch.dispatch(Action::Ready);
    if let Some(v) = verification {
        dispatch.dispatch(Action::Verification(v));
    }
}

/// The platform ids of the current files, for `onSubmitted`.
fn submitted_files(state: &FormState) -> Vec<(Slot, String)> {
    let mut files = Vec::new();
    for slot in Slot::ALL {
        if let Some(known) = state.slot(slot).chosen.as_ref().and_then(|c| state.known_file(c.selection)) {
            files.push((slot, known.file_id.clone()));
        }
    }
    files
}

fn verification_since(verification: &Option<Verification>) -> f64 {
    match verification {
        Some(Verification::Pending { since_ms }) => *since_ms,
        _ => now_ms(),
    }
}

fn verification_of(customer: &crate::core::api::Customer) -> Option<Verification> {
    let since_ms = customer.submitted_at.as_deref().map(js_sys::Date::parse).filter(|t| t.is_finite());
    Verification::from_status(&customer.verification_status, since_ms.unwrap_or_else(now_ms), customer.rejection_reason.clone())
}

/// Ends a submission (or a settling read) that did not submit: the form
/// takes the outcome (`update` is a [`FlowUpdate::Finished`]), then shows
/// its message and tells the host.
fn end_with(
    dispatch: &Dispatch,
    props: &KycUploadProps,
    texts: &SharedTexts,
    update: FlowUpdate,
    document: Option<DocumentType>,
) {
    let FlowUpdate::Finished { outcome, .. } = &update else { return };
    let message = outcome_message(outcome, document);
    // The file at fault gets its own short notice; the form says the rest.
    let on_slot = match outcome {
        Outcome::Stopped { slot: Some(slot), failure } => Some((*slot, Notice::error(failure.code(), stopped_file_text(failure)))),
        _ => None,
    };
    dispatch.dispatch(Action::Flow(update));
    if let Some(message) = message {
        let notice = Notice { code: message.code, text: message.text, blocking: message.blocking };
        props.on_error.emit(error_of(texts, &notice, on_slot.as_ref().map(|(slot, _)| *slot)));
        dispatch.dispatch(Action::Stopped(notice, on_slot));
    }
}

/// What `onError` receives for `notice`: its message in the language shown.
fn error_of(texts: &SharedTexts, notice: &Notice, slot: Option<Slot>) -> WidgetError {
    WidgetError { code: notice.code.clone(), message: texts.borrow().render(&notice.text), slot }
}

async fn choose_file(slot: Slot, file: File, selection: SelectionId, options: Rc<Options>, dispatch: Dispatch) {
    let facts = file_facts(&file).await;
    let decodable = matches!(facts.kind, Some(FileKind::Jpeg | FileKind::Png | FileKind::Webp));
    let problem = check_file(slot, &facts, options.max_file_size, decodable).err();
    let gate = photo_gate(slot, &facts, problem.is_some(), options.quality_gate, options.max_file_size);
    let content_type = facts.kind.map(|k| k.mime()).unwrap_or("application/octet-stream").to_owned();
    let notice = problem.map(|p| Notice::error(p.code(), p.message(None)));
    // A photo no check decodes is shown as it is.
    let preview = (decodable && gate.is_none() && notice.is_none()).then(|| file.clone().into());
    let chosen = Chosen { selection, facts, upload: file.clone().into(), content_type, note: None, preview };
    dispatch.dispatch(Action::Choose { slot, chosen, checking: gate.is_some(), notice });
    if let Some(gate) = gate {
        let check = check_photo(&file, subject(slot), options.max_file_size, gate).await;
        dispatch.dispatch(Action::Checked {
            slot,
            selection,
            replacement: check.replacement,
            note: check.note,
            notice: check.notice,
            preview: check.preview,
        });
    }
}

/// What the form's handlers share: the render's state and props, and the
/// cells that outlive renders. Each handler is a method, and each callback
/// holds one `Rc<Form>` ([`handler`]): callbacks that each captured their
/// own clones cost the bundle a capture, a clone and a drop apiece.
struct Form {
    state: Rc<FormState>,
    dispatch: Dispatch,
    props: KycUploadProps,
    api: Rc<Api>,
    /// The running submission (dropping it aborts what it started). It is
    /// the guard against double submission: set synchronously on submit.
    flow: Rc<RefCell<Option<Flow>>>,
    focus: FocusRequest,
    texts: SharedTexts,
    keeper: Rc<resume::Keeper>,
    /// A submit click kept while photos are being checked.
    queued: Rc<RefCell<bool>>,
    /// The last selection id handed out.
    next_selection: Rc<RefCell<SelectionId>>,
    /// The open camera and the last camera failure.
    camera: Shown<CameraState>,
    /// Why no camera can work in this browser, if none can.
    camera_blocker: Option<Failure>,
}

/// Changes the form's state: the reducer's next state, and a re-render
/// when there is one (as the dispatcher of yew's `use_reducer`, which would
/// ship its reducer, handle and hook code for this one state). Cloned into
/// the work that outlives a render.
#[derive(Clone)]
struct Dispatch(Shown<Rc<FormState>>);

impl Dispatch {
    fn dispatch(&self, action: Action) {
        let now = self.0.get();
        let next = now.clone().reduce(action);
        if !Rc::ptr_eq(&now, &next) {
            self.0.set(next);
        }
    }
}

/// A callback that runs `act` on the form.
fn handler<E: 'static>(form: &Rc<Form>, act: fn(&Form, E)) -> Callback<E> {
    let form = form.clone();
    Callback::from(move |event| act(&form, event))
}

impl Form {
    /// A file changed mid-submission: cancel it, unless `id_file` is
    /// already on its way (then the change is ignored: verification has
    /// started). Returns whether the change may go ahead.
    fn interrupt(&self) -> bool {
        if self.state.stage == Stage::Unconfirmed || self.flow.borrow().as_ref().is_some_and(Flow::final_request_sent) {
            return false;
        }
        if let Some(running) = stop_flow(&self.flow, &self.props.on_busy_change) {
            running.cancel();
            drop(running);
            self.dispatch.dispatch(Action::Interrupted);
        }
        true
    }

    /// A file was chosen, dropped, pasted or taken with the camera.
    fn choose(&self, (slot, file): (Slot, File)) {
        if !self.interrupt() {
            return;
        }
        let selection = {
            let mut next = self.next_selection.borrow_mut();
            *next += 1;
            *next
        };
        spawn_local(choose_file(slot, file, selection, self.props.options.clone(), self.dispatch.clone()));
    }

    fn remove(&self, slot: Slot) {
        if self.interrupt() {
            focus_later(&self.focus, input_selector(slot));
            self.dispatch.dispatch(Action::Remove(slot));
        }
    }

    /// Whether `slot` records a video rather than a photo: the selfie,
    /// with `liveness: "video"`.
    fn records(&self, slot: Slot) -> bool {
        self.props.options.liveness == Liveness::Video && slot == Slot::Liveness
    }

    /// "Take a photo" was pressed.
    fn open_camera(&self, slot: Slot) {
        let failure = self.camera_blocker.or((self.records(slot) && !camera::can_record()).then_some(Failure::NoRecorder));
        self.camera.set(match failure {
            Some(failure) => (None, Some((slot, failure))),
            None => (Some(slot), None),
        });
    }

    /// The preview closed: cancelled, or the camera failed.
    fn close_camera(&self, (slot, failure): (Slot, Option<Failure>)) {
        focus_later(&self.focus, camera_selector(slot));
        self.camera.set((None, failure.map(|f| (slot, f))));
    }

    /// The photo or video taken was confirmed.
    fn camera_file(&self, (slot, file): (Slot, File)) {
        focus_later(&self.focus, camera_selector(slot));
        self.camera.set((None, None));
        self.choose((slot, file));
    }

    /// A file dropped on the form, not on a slot: the first empty slot
    /// shown that takes its type.
    fn drop_file(&self, e: DragEvent) {
        e.prevent_default();
        mark_drop_target(&e, false);
        let state = &self.state;
        // As the slots' inputs: no choosing while the form is not there to edit.
        if slots_disabled(&state.stage) {
            return;
        }
        let Some(file) = first_file(e.data_transfer()) else { return };
        let (mime, name) = (file.type_(), file.name());
        let target = Slot::ALL.into_iter().find(|s| {
            slot_visible(state.document, *s) && state.slot(*s).chosen.is_none() && slot_takes_drop(*s, &mime, &name)
        });
        if let Some(slot) = target {
            // Taken: not for a drop zone of the host page's too.
            e.stop_propagation();
            self.choose((slot, file));
        }
    }

    /// "Start again" after a rejection.
    fn restart(&self, _: MouseEvent) {
        focus_later(&self.focus, "[data-testid=doc-type]");
        self.dispatch.dispatch(Action::Restart { key_prefix: uuid() });
    }

    /// The document type select changed.
    fn choose_document(&self, e: Event) {
        let select: HtmlSelectElement = e.target_unchecked_into();
        // A submission under way keeps its document type (the select is
        // disabled once "uploading" shows; this covers the moment before).
        if self.flow.borrow().is_some() {
            select.set_value(self.state.document.map_or("", DocumentType::as_str));
            return;
        }
        // Another document: an open preview closes (its slot may go away)
        // and does not come back by itself with the slot.
        self.camera.set((None, None));
        let value = select.value();
        match DocumentType::parse(&value) {
            Ok(doc) => self.dispatch.dispatch(Action::SetDocument(Some(doc))),
            Err(_) if value.is_empty() => self.dispatch.dispatch(Action::SetDocument(None)),
            Err(_) => {
                select.set_value("");
                self.dispatch.dispatch(Action::SetDocument(None));
                self.dispatch.dispatch(Action::Problems {
                    form: Some(Notice::error(Problem::DocumentTypeNotAccepted.code(), Problem::DocumentTypeNotAccepted.message(None))),
                    slots: vec![],
                });
            }
        }
    }

    fn submit_clicked(&self, e: SubmitEvent) {
        e.prevent_default();
        // The widget's own: a host page that wraps it in its form must not
        // take it for its own submission.
        e.stop_propagation();
        self.submit();
    }

    /// Checks the form and starts the submission, or shows what is
    /// missing; a click while photos are being checked is kept.
    fn submit(&self) {
        let Form { state, dispatch, flow, api, props, queued, focus, texts, keeper, .. } = self;
        // The flow slot is the guard against double submission: it is set
        // synchronously, before any re-render could disable the button.
        if flow.borrow().is_some() || !matches!(state.stage, Stage::Editing | Stage::Unconfirmed) {
            return;
        }
        let document = state.document;
        let checking = Slot::ALL.iter().any(|s| slot_visible(document, *s) && state.slot(*s).phase == SlotPhase::Checking);
        if checking {
            *queued.borrow_mut() = true;
            dispatch.dispatch(Action::Problems {
                form: Some(Notice::warning("checking", Msg::FormChecking)),
                slots: vec![],
            });
            return;
        }
        let mut chosen: Vec<(Slot, FileFacts)> = Vec::new();
        for slot in Slot::ALL {
            if let Some(c) = &state.slot(slot).chosen {
                chosen.push((slot, c.facts.clone()));
            }
        }
        let (form, slots) = check_form(document, &chosen, props.options.requirements);
        let mut slot_notices: Vec<(Slot, Notice)> = Vec::new();
        for (slot, problem) in slots {
            slot_notices.push((slot, Notice::error(problem.code(), problem.message(document))));
        }
        let visible = |slot: Slot| slot_visible(document, slot);
        for slot in Slot::ALL.into_iter().filter(|s| visible(*s)) {
            let slot_state = state.slot(slot);
            if let Some(notice) = slot_state.notice.as_ref().filter(|n| n.blocking) {
                if !slot_notices.iter().any(|(s, _)| *s == slot) {
                    slot_notices.push((slot, notice.clone()));
                }
            }
        }
        let mut problem_slots: Vec<Slot> = Vec::new();
        for (slot, _) in &slot_notices {
            problem_slots.push(*slot);
        }
        if let Some((code, text)) = submit_summary(&form, &problem_slots, document) {
            // Focus goes to the first problem, whose description reads it.
            let first_slot = Slot::ALL.into_iter().find(|s| problem_slots.contains(s));
            match (document, first_slot) {
                (None, _) | (_, None) => focus_later(focus, "[data-testid=doc-type]"),
                (_, Some(slot)) => focus_later(focus, input_selector(slot)),
            }
            dispatch.dispatch(Action::Problems { form: Some(Notice::error(&code, text)), slots: slot_notices });
            return;
        }
        let Some(document) = document else { return };
        let mut entries: Vec<FileEntry> = Vec::new();
        for slot in Slot::ALL {
            if let Some(c) = state.slot(slot).chosen.as_ref().filter(|_| visible(slot)) {
                entries.push(FileEntry { slot, selection: c.selection, blob: c.upload.clone(), name: c.facts.name.clone(), content_type: c.content_type.clone() });
            }
        }
        let known = state.known.clone();
        // "Uploading" is shown FORM_BATCH_MS after the click, with whatever
        // progress there is by then: sooner looks no different to a person,
        // and a submission done sooner goes straight to "submitted" without
        // re-rendering (layout, paint) while its requests run. The flow in
        // `flow` is what guards against a second submission meanwhile, and
        // `busy` is set now.
        let batch = Batch::new(dispatch.clone(), state, keeper.clone());
        batch.hold(Action::Submitting);
        let update = flow_updates(batch, flow.clone(), props.clone(), document, focus.clone(), texts.clone());
        let session = (state.key_prefix.clone(), state.before.clone());
        let started = Flow::start(api.clone(), document, entries, known, session, update);
        *flow.borrow_mut() = Some(started);
        // Busy exactly while a flow runs: from here until `stop_flow`.
        props.on_busy_change.emit(true);
    }
}

/// Takes the running submission out of `flow`, if any (dropping it aborts
/// what it started), and tells the host it is no longer busy.
fn stop_flow(flow: &RefCell<Option<Flow>>, on_busy_change: &Callback<bool>) -> Option<Flow> {
    let running = flow.borrow_mut().take();
    if running.is_some() {
        on_busy_change.emit(false);
    }
    running
}

fn flow_updates(
    batch: Rc<Batch>,
    flow: Rc<RefCell<Option<Flow>>>,
    props: KycUploadProps,
    document: DocumentType,
    focus: FocusRequest,
    texts: SharedTexts,
) -> Callback<FlowUpdate> {
    let dispatch = batch.dispatch.clone();
    Callback::from(move |update: FlowUpdate| {
        match &update {
            FlowUpdate::Progress { slot, sent, total, .. } => {
                props.on_progress.emit(ProgressInfo { slot: *slot, loaded: *sent, total: *total });
                batch.hold(Action::Flow(update));
                return;
            }
            FlowUpdate::Uploaded { .. } => {
                batch.hold(Action::Flow(update));
                return;
            }
            // The resume record must say so, with every uploaded file (which
            // the batch may still hold), before any answer can arrive: a
            // reload then settles the outcome instead of starting over. It
            // is written now, without a render (a layout and paint that
            // would delay handling the answer).
            FlowUpdate::FinalSent => {
                batch.hold(Action::Flow(update));
                batch.keep_record();
                return;
            }
            FlowUpdate::Finished { outcome, known, .. } => {
                // Dropping the finished flow frees its tasks.
                drop(stop_flow(&flow, &props.on_busy_change));
                if matches!(outcome, Outcome::Completed | Outcome::Confirmed) {
                    let submitted_at_ms = now_ms();
                    let mut files = Vec::new();
                    for (slot, _, k) in known.iter() {
                        files.push((*slot, k.file_id.clone()));
                    }
                    // The host first (it has had every progress event);
                    // the form's held updates after.
                    props.on_submitted.emit(SubmittedInfo { customer_id: props.options.customer_id.clone(), files, submitted_at_ms });
                    batch.flush();
                    // The form goes; the panel's heading takes the focus.
                    focus_later(&focus, "[data-testid=status] h3");
                    dispatch.dispatch(Action::Flow(update.clone()));
                    dispatch.dispatch(Action::Verification(Verification::Pending { since_ms: submitted_at_ms }));
                    return;
                }
                batch.flush();
                end_with(&dispatch, &props, &texts, update.clone(), Some(document));
                return;
            }
            _ => {}
        }
        batch.pass(Action::Flow(update));
    })
}

/// How long "uploading", progress and "uploaded" may wait to reach the
/// form, in ms: they are shown together, at most this late, so a re-render
/// (with its layout and paint) does not sit between one request's answer
/// and the next request while a fast submission runs.
const FORM_BATCH_MS: u32 = 100;

/// A submission's updates on their way to the form: "uploading", progress
/// and "uploaded" held, the rest passed on at once.
struct Batch {
    dispatch: Dispatch,
    held: RefCell<Vec<Action>>,
    timer: RefCell<Option<Timeout>>,
    /// The form as the submission found it, with every update since
    /// (held or passed on): the form as it will be once they are rendered.
    /// Nothing else changes the resume record while a submission runs (a
    /// changed file stops it; the document cannot change). Kept until the
    /// record is written from it.
    ahead: RefCell<Option<Rc<FormState>>>,
    keeper: Rc<resume::Keeper>,
}

impl Batch {
    fn new(dispatch: Dispatch, form: &FormState, keeper: Rc<resume::Keeper>) -> Rc<Batch> {
        let ahead = RefCell::new(Some(Rc::new(form.clone())));
        Rc::new(Batch { dispatch, held: RefCell::new(Vec::new()), timer: RefCell::new(None), ahead, keeper })
    }

    /// Applies `action` to the form ahead. A batch carries only a
    /// submission's updates and its start. Progress, the most frequent,
    /// changes nothing the record holds: it is not applied twice.
    fn apply_ahead(&self, action: &Action) {
        let copy = match action {
            Action::Flow(FlowUpdate::Progress { .. }) => return,
            Action::Flow(update) => Action::Flow(update.clone()),
            Action::Submitting => Action::Submitting,
            _ => return,
        };
        let mut ahead = self.ahead.borrow_mut();
        if let Some(form) = ahead.take() {
            *ahead = Some(form.reduce(copy));
        }
    }

    /// Writes the resume record of the form ahead, now.
    fn keep_record(&self) {
        if let Some(form) = self.ahead.borrow_mut().take() {
            self.keeper.keep(form.resume_record());
        }
    }

    /// Passes `action` on after what is held.
    fn pass(&self, action: Action) {
        self.flush();
        self.apply_ahead(&action);
        self.dispatch.dispatch(action);
    }

    fn hold(self: &Rc<Self>, action: Action) {
        self.apply_ahead(&action);
        self.held.borrow_mut().push(action);
        if self.timer.borrow().is_none() {
            let batch = Rc::downgrade(self);
            *self.timer.borrow_mut() = Some(Timeout::new(FORM_BATCH_MS, move || {
                if let Some(batch) = batch.upgrade() {
                    batch.flush();
                }
            }));
        }
    }

    /// Hands on what is held, in order (before any other update, so the
    /// form sees every update in the order the flow sent them).
    fn flush(&self) {
        drop(self.timer.borrow_mut().take());
        let held = std::mem::take(&mut *self.held.borrow_mut());
        for action in held {
            self.dispatch.dispatch(action);
        }
    }
}

/// A submission stopped mid-way (a file changed) still tells the form which
/// files it uploaded: they are reused, not sent again. A held "uploading"
/// is dropped: the form has moved on (`Interrupted` came first).
impl Drop for Batch {
    fn drop(&mut self) {
        self.held.get_mut().retain(|action| !matches!(action, Action::Submitting));
        self.flush();
    }
}
