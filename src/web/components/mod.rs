//! The widget's view: one Yew component, [`KycUpload`], whose parts (a
//! file slot, the camera, the status panel) are functions of its state and
//! hooks it calls, not components of their own.
//!
//! Every component and every type of hook state costs the bundle its own
//! copy of yew's generic code, whatever it holds: a component its
//! lifecycle, scope, props comparison and props builder (the file slot's
//! 3.1 kB of wasm, 0.6 kB gzipped; the camera's 2.0 and 0.6 kB); a
//! `use_state` or `use_reducer` its reducer, handle and hook code (four
//! types of `use_state` 4.2 and 0.8 kB, the form's `use_reducer` 1.8 and
//! 1.2 kB, `use_node_ref`, itself a `use_state`, 1.3 and 0.8 kB). So the
//! state that re-renders lives in [`Shown`] cells (one `use_mut_ref` and
//! `use_force_update`, shared by every type), a `NodeRef` in
//! [`use_element_ref`], and a part that needs state of its own keeps it in
//! the form, as the camera does (at most one slot's camera is open, so the
//! form keeps one: [`use_camera`]).
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

pub use camera_view::{camera_view, use_camera, Camera, CameraOpen};
pub use file_slot::{CameraSlot, FileSlot};
pub use form::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
pub use status_panel::{status_panel, use_status_timer, StatusPanel};

use std::cell::RefCell;
use std::rc::Rc;
use yew::{hook, use_force_update, use_mut_ref, NodeRef, UseForceUpdateHandle};

/// A `NodeRef` that lasts as long as the component, as yew's
/// `use_node_ref`, but kept in a `use_mut_ref`: `use_node_ref` keeps it in
/// a `use_state`, whose reducer code would ship for this alone.
#[hook]
pub fn use_element_ref() -> NodeRef {
    use_mut_ref(NodeRef::default).borrow().clone()
}

/// State that re-renders its component when set, as yew's `use_state`,
/// kept in a `use_mut_ref` with `use_force_update`: `use_state` ships its
/// reducer, handle and hook code once for each type of state it holds,
/// these two hooks once for all. Unlike a `use_state` handle, which reads
/// the value of the render that made it, this reads the value now.
pub struct Shown<T> {
    value: Rc<RefCell<T>>,
    render: UseForceUpdateHandle,
}

impl<T> Clone for Shown<T> {
    fn clone(&self) -> Self {
        Shown { value: self.value.clone(), render: self.render.clone() }
    }
}

impl<T: Clone> Shown<T> {
    /// The value now.
    pub fn get(&self) -> T {
        self.value.borrow().clone()
    }

    /// Replaces the value and re-renders the component.
    pub fn set(&self, value: T) {
        self.reset(value);
        self.render.force_update();
    }

    /// Replaces the value without re-rendering: in a render, for what it
    /// shows next.
    pub fn reset(&self, value: T) {
        *self.value.borrow_mut() = value;
    }
}

/// [`Shown`] state, `init()` at first.
#[hook]
pub fn use_shown<T: 'static>(init: impl FnOnce() -> T) -> Shown<T> {
    Shown { value: use_mut_ref(init), render: use_force_update() }
}
