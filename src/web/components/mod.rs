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
//! form keeps one: [`use_camera`]). Likewise each `use_effect_with` ships
//! yew's effect code for its types of dependencies and effect: the ten
//! effects go through [`use_effect_on`], which hands them type-erased to one
//! instance of it (1.8 kB of wasm less, 0.25 kB gzipped).
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

use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;
use yew::functional::TearDown;
use yew::{hook, use_effect_with, use_force_update, use_mut_ref, NodeRef, UseForceUpdateHandle};

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

/// Runs `effect` after a render in which `deps` changed (and after the
/// first), as yew's `use_effect_with`: what it returns is torn down before
/// the next run and when the component goes. yew's hook ships its effect
/// code once for each type of dependencies and effect; this one hands both
/// to a single instance of it, type-erased (an effect costs its own body,
/// a comparison of its dependencies and two boxes).
#[hook]
pub fn use_effect_on<D, T>(deps: D, effect: impl FnOnce(&D) -> T + 'static)
where
    D: PartialEq + 'static,
    T: TearDown,
{
    let effect: Effect = Box::new(move |deps: &dyn Any| {
        let teardown = deps.downcast_ref::<D>().map(effect);
        Box::new(move || teardown.map_or((), TearDown::tear_down))
    });
    use_erased_effect(Deps { value: Box::new(deps), same: same::<D> }, effect);
}

/// Dependencies that are never the same: the effect runs after every
/// render, as yew's `use_effect`.
pub struct EveryRender;

impl PartialEq for EveryRender {
    fn eq(&self, _: &EveryRender) -> bool {
        false
    }
}

/// An effect with its dependencies' type erased, and its teardown.
type Effect = Box<dyn FnOnce(&dyn Any) -> Box<dyn FnOnce()>>;

/// Dependencies of any type, compared by a function for that type.
struct Deps {
    value: Box<dyn Any>,
    same: fn(&dyn Any, &dyn Any) -> bool,
}

impl PartialEq for Deps {
    fn eq(&self, other: &Deps) -> bool {
        (self.same)(&*self.value, &*other.value)
    }
}

fn same<D: PartialEq + 'static>(a: &dyn Any, b: &dyn Any) -> bool {
    a.downcast_ref::<D>().is_some_and(|a| b.downcast_ref::<D>() == Some(a))
}

/// The one instance of yew's effect hook.
#[hook]
fn use_erased_effect(deps: Deps, effect: Effect) {
    use_effect_with(deps, move |deps| effect(&*deps.value));
}

/// An ARIA state's value: `"true"` or `"false"`, as a static text (a
/// `bool`'s `to_string` would allocate and format on every render).
pub fn flag(on: bool) -> &'static str {
    if on {
        "true"
    } else {
        "false"
    }
}
