//! One file slot: its input, the chosen file's name and size, a remove
//! button, the photo-check state, a progress bar and its notice.

use crate::core::rules::{DocumentType, Slot};
use crate::core::sniff::{accept_attribute, capture_attribute};
use crate::core::validate::{display_name, human_size};
use crate::web::state::{SlotPhase, SlotState};
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

/// Props of [`FileSlot`].
#[derive(Properties, PartialEq, Clone)]
pub struct FileSlotProps {
    /// Which slot.
    pub slot: Slot,
    /// The document type (for the label).
    pub document: Option<DocumentType>,
    /// The slot's state.
    pub state: SlotState,
    /// Whether a file is required.
    pub required: bool,
    /// Whether the input is disabled.
    pub disabled: bool,
    /// A file was chosen.
    pub on_choose: Callback<(Slot, File)>,
    /// The remove button was pressed.
    pub on_remove: Callback<Slot>,
}

/// One upload slot.
#[component]
pub fn FileSlot(props: &FileSlotProps) -> Html {
    let slot = props.slot;
    let field = slot.field();
    let input_id = format!("kyc-{field}");
    let onchange = {
        let on_choose = props.on_choose.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|list| list.get(0)) {
                on_choose.emit((slot, file));
            }
            // Choosing the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let onremove = {
        let on_remove = props.on_remove.clone();
        Callback::from(move |_: MouseEvent| on_remove.emit(slot))
    };
    let state = &props.state;
    let percent = match state.phase {
        SlotPhase::Uploading(p) => Some(p),
        SlotPhase::Uploaded => Some(100),
        _ => None,
    };
    let status_text = match state.phase {
        SlotPhase::Checking => Some("Checking the photo\u{2026}".to_string()),
        SlotPhase::Uploading(p) => Some(format!("Uploading\u{2026} {p}%")),
        SlotPhase::Uploaded => Some("Uploaded".to_string()),
        _ => None,
    };
    let notice = state.shown_notice();
    let notice_class = match notice {
        Some(n) if n.blocking => "kyc-notice kyc-error",
        Some(_) => "kyc-notice kyc-warning",
        None => "kyc-notice",
    };
    html! {
        <div class={classes!("kyc-slot", notice.filter(|n| n.blocking).map(|_| "kyc-slot-invalid"))} data-slot={field}>
            <label for={input_id.clone()} class="kyc-label">
                { slot.label(props.document) }
                <span class="kyc-required">{ if props.required { " (required)" } else { " (optional)" } }</span>
            </label>
            <input
                type="file"
                id={input_id}
                class="kyc-input"
                data-testid={format!("file-{field}")}
                accept={accept_attribute(slot)}
                capture={capture_attribute(slot)}
                disabled={props.disabled}
                aria-invalid={notice.map(|n| n.blocking.to_string())}
                aria-describedby={format!("kyc-error-{field}")}
                {onchange}
            />
            if let Some(chosen) = &state.chosen {
                <div class="kyc-file">
                    <span class="kyc-file-name" title={display_name(&chosen.facts.name)}>{ display_name(&chosen.facts.name) }</span>
                    <span class="kyc-file-size">{ human_size(chosen.facts.size) }</span>
                    <button type="button" class="kyc-remove" data-testid={format!("remove-{field}")} disabled={props.disabled} onclick={onremove}>
                        { "Remove" }
                    </button>
                </div>
                if let Some(note) = &chosen.note {
                    <p class="kyc-note">{ note }</p>
                }
            }
            if let Some(text) = status_text {
                <p class="kyc-status-line" aria-live="polite">{ text }</p>
            }
            if let Some(p) = percent {
                <progress
                    class="kyc-progress"
                    role="progressbar"
                    data-testid={format!("progress-{field}")}
                    max="100"
                    value={p.to_string()}
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow={p.to_string()}
                    aria-label={format!("{} upload", slot.label(props.document))}
                />
            }
            <p id={format!("kyc-error-{field}")} class={notice_class} data-testid={format!("error-{field}")} role="alert">
                { notice.map(|n| n.text.clone()).unwrap_or_default() }
            </p>
        </div>
    }
}
