//! The widget's Yew components.
//!
//! A class that changes is set as the element's `className` property
//! (`~className={..}`), never as `class={..}`: yew turns a `class`
//! expression into `Classes`, a set whose hashing and insertion code
//! (indexmap, hashbrown) then ships with the widget, 1.6 kB gzip for five
//! elements. Literal classes (`class="..."`) cost nothing. The bundle test
//! refuses a `class` expression. One care: yew clears a property it no
//! longer sets by writing `undefined` (for `className`: the class becomes
//! "undefined"), and it reuses an element of the same tag at the same place
//! in a list (counted from the end), as across the two branches of an
//! `if … else`. So an element with `~className` must never take the place
//! of one without it. (The camera's review `<video>` sits one list deeper
//! than its live `<video>`; camera.test.mjs checks that the replay keeps
//! its class.)

mod camera_view;
mod file_slot;
mod form;
mod status_panel;

pub use camera_view::CameraView;
pub use file_slot::{CameraSlot, FileSlot};
pub use form::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
pub use status_panel::{status_panel, use_status_timer, StatusPanel};

use yew::{hook, use_mut_ref, NodeRef};

/// A `NodeRef` that lasts as long as the component, as yew's
/// `use_node_ref`, but kept in a `use_mut_ref`: `use_node_ref` keeps it in
/// a `use_state`, whose reducer code would ship for this alone.
#[hook]
pub fn use_element_ref() -> NodeRef {
    use_mut_ref(NodeRef::default).borrow().clone()
}
