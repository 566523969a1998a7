//! The parts of yew that the widget's build changes for size
//! (`vendor/README.md`), tested through yew as the widget links it, in
//! headless Chromium: a keyed list keeps each element through reorders,
//! removals and insertions; listeners reach the right element after others
//! come and go, and bubble from the inside out; parents render before their
//! children and children's effects run before their parents'; an element's
//! attributes follow a change of attribute set; elements of many tags come
//! out with the right tag. yew's own tests (`scripts/test-vendor.sh`) check
//! the rest of the reconciler on the same copy.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};
use yew::prelude::*;
use yew::virtual_dom::VTag;

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh element in the page to render into.
fn host() -> Element {
    let document = web_sys::window().and_then(|w| w.document()).expect("a document");
    let host = document.create_element("div").expect("a div");
    document.body().expect("a body").append_child(&host).expect("appended");
    host
}

/// The elements `selector` finds under `root`, in document order.
fn all(root: &Element, selector: &str) -> Vec<Element> {
    let found = root.query_selector_all(selector).expect("a valid selector");
    (0..found.length()).filter_map(|i| found.item(i)?.dyn_into().ok()).collect()
}

/// Log shared between a test and the components it renders.
type Log = Rc<RefCell<Vec<String>>>;

fn taken(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.borrow_mut())
}

#[derive(Properties, PartialEq)]
struct KeysProps {
    keys: Vec<&'static str>,
}

#[function_component]
fn KeyedList(props: &KeysProps) -> Html {
    html! { <ul>{ for props.keys.iter().map(|k| html! { <li key={*k}>{ *k }</li> }) }</ul> }
}

#[wasm_bindgen_test]
async fn a_keyed_list_keeps_each_element_through_reorders_removals_and_insertions() {
    let root = host();
    let first = vec!["a", "b", "c", "d", "e"];
    let mut app = yew::Renderer::<KeyedList>::with_root_and_props(root.clone(), KeysProps { keys: first.clone() }).render();
    yew::scheduler::flush().await;

    // Each <li> is marked with its key behind yew's back; an element that yew
    // reuses for the same key keeps its mark, a new one has none.
    let mark = "__key_mark";
    let mut previous = first;
    for keys in [
        vec!["e", "c", "a", "b", "d"],
        vec!["b", "d"],
        vec!["f", "b", "x", "d", "a"],
        vec!["a", "d", "x", "b", "f", "g"],
        vec!["g", "f", "b", "x", "d", "a"],
    ] {
        for li in all(&root, "li") {
            js_sys::Reflect::set(&li, &mark.into(), &li.text_content().unwrap_or_default().into()).expect("marked");
        }
        app.update(KeysProps { keys: keys.clone() });
        yew::scheduler::flush().await;

        let items = all(&root, "li");
        let texts: Vec<String> = items.iter().map(|li| li.text_content().unwrap_or_default()).collect();
        assert_eq!(texts, keys, "the list shows the new keys in order");
        for (li, key) in items.iter().zip(&keys) {
            let marked = js_sys::Reflect::get(li, &mark.into()).expect("readable").as_string();
            if previous.contains(key) {
                assert_eq!(marked.as_deref(), Some(*key), "{key} kept its element from {previous:?} to {keys:?}");
            } else {
                assert_eq!(marked, None, "{key} is new in {keys:?}: a new element");
            }
        }
        previous = keys;
    }
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct ButtonsProps {
    ids: Vec<u32>,
    round: u32,
    log: Log,
}

#[function_component]
fn Buttons(props: &ButtonsProps) -> Html {
    let round = props.round;
    let button = |id: u32| {
        let (log, down) = (props.log.clone(), props.log.clone());
        let onclick = Callback::from(move |_: MouseEvent| log.borrow_mut().push(format!("click {id} in round {round}")));
        let onmousedown = Callback::from(move |_: MouseEvent| down.borrow_mut().push(format!("down {id} in round {round}")));
        html! { <button key={id} data-id={id.to_string()} {onclick} {onmousedown}><span>{ id }</span></button> }
    };
    let outer = props.log.clone();
    let onclick = Callback::from(move |_: MouseEvent| outer.borrow_mut().push("click outer".into()));
    html! { <div {onclick}>{ for props.ids.iter().map(|id| button(*id)) }</div> }
}

/// Clicks each button's inner <span>, then sends each button a mousedown.
fn press_each(root: &Element) {
    for span in all(root, "button > span") {
        span.unchecked_into::<HtmlElement>().click();
    }
    for button in all(root, "button") {
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let down = web_sys::Event::new_with_event_init_dict("mousedown", &init).expect("an event");
        button.dispatch_event(&down).expect("dispatched");
    }
}

#[wasm_bindgen_test]
async fn listeners_reach_the_right_element_after_others_come_and_go() {
    let root = host();
    let log = Log::default();
    let props = |ids: &[u32], round| ButtonsProps { ids: ids.to_vec(), round, log: log.clone() };
    let mut app = yew::Renderer::<Buttons>::with_root_and_props(root.clone(), props(&[1, 2, 3], 0)).render();
    yew::scheduler::flush().await;

    let expect = |ids: &[u32], round: u32| {
        let mut lines = Vec::new();
        for id in ids {
            // A click on the inner <span> bubbles to its button, then to the outer <div>.
            lines.push(format!("click {id} in round {round}"));
            lines.push("click outer".to_string());
        }
        for id in ids {
            lines.push(format!("down {id} in round {round}"));
        }
        lines
    };
    press_each(&root);
    assert_eq!(taken(&log), expect(&[1, 2, 3], 0));

    // New handlers on the same elements (round 1), then elements removed
    // (1, 2), added (4, 5) and put back (1): each keeps only its own handlers.
    for (round, ids) in [(1, vec![1, 2, 3]), (2, vec![3, 4, 5]), (3, vec![5, 1, 3]), (4, vec![1])] {
        app.update(props(&ids, round));
        yew::scheduler::flush().await;
        press_each(&root);
        assert_eq!(taken(&log), expect(&ids, round), "round {round}: buttons {ids:?}");
    }
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct TreeProps {
    log: Log,
    /// Where the parent and the child leave a handle to re-render themselves.
    updates: Rc<RefCell<Vec<Callback<()>>>>,
}

/// Logs `name`'s renders and effects, and leaves a handle that re-renders it.
#[hook]
fn use_logged(props: &TreeProps, name: &'static str) {
    props.log.borrow_mut().push(format!("render {name}"));
    let update = use_force_update();
    props.updates.borrow_mut().push(Callback::from(move |()| update.force_update()));
    let log = props.log.clone();
    use_effect(move || log.borrow_mut().push(format!("effect {name}")));
}

#[function_component]
fn Child(props: &TreeProps) -> Html {
    use_logged(props, "child");
    html! { <span /> }
}

#[function_component]
fn Parent(props: &TreeProps) -> Html {
    use_logged(props, "parent");
    // The same props (Rc-equal) for the child, so only its own update
    // re-renders it.
    html! { <div><Child log={props.log.clone()} updates={props.updates.clone()} /></div> }
}

#[wasm_bindgen_test]
async fn parents_render_first_and_childrens_effects_run_first() {
    let root = host();
    let (log, updates) = (Log::default(), Rc::new(RefCell::new(Vec::new())));
    let props = TreeProps { log: log.clone(), updates: updates.clone() };
    let app = yew::Renderer::<Parent>::with_root_and_props(root, props).render();
    yew::scheduler::flush().await;
    assert_eq!(taken(&log), ["render parent", "render child", "effect child", "effect parent"]);

    // Both ask to re-render in the same turn, the child first: the parent
    // still renders first, each renders once, and the child's effect runs
    // before the parent's.
    let handles: Vec<Callback<()>> = std::mem::take(&mut *updates.borrow_mut());
    let (parent, child) = (&handles[0], &handles[1]);
    child.emit(());
    parent.emit(());
    yew::scheduler::flush().await;
    assert_eq!(taken(&log), ["render parent", "render child", "effect child", "effect parent"]);
    app.destroy();
}

#[derive(Properties, PartialEq)]
struct ShapeProps {
    shape: u8,
}

/// A <p> built by hand, whose attributes are an index map.
fn by_hand(attributes: &[(&'static str, &'static str)]) -> Html {
    let mut tag = VTag::new("p");
    for (name, value) in attributes {
        tag.add_attribute(name, *value);
    }
    tag.into()
}

/// The same <p> in four attribute sets: static (an array), dynamic (keys and
/// values) and two built by hand (index maps).
#[function_component]
fn Shapes(props: &ShapeProps) -> Html {
    let lang = String::from("de");
    let paragraph = match props.shape {
        0 => html! { <p class="a" title="t"></p> },
        1 => html! { <p id="x" lang={lang} title="u"></p> },
        2 => by_hand(&[("id", "y"), ("dir", "rtl")]),
        _ => by_hand(&[("id", "z"), ("title", "v")]),
    };
    html! { <div><em /><span />{ paragraph }<em /><span /><b /></div> }
}

fn attributes(el: &Element) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = el.get_attribute_names().iter().filter_map(|name| name.as_string()).map(|name| {
        let value = el.get_attribute(&name).unwrap_or_default();
        (name, value)
    }).collect();
    pairs.sort();
    pairs
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[wasm_bindgen_test]
async fn attributes_follow_a_change_of_attribute_set_and_tags_come_out_right() {
    let root = host();
    let mut app = yew::Renderer::<Shapes>::with_root_and_props(root.clone(), ShapeProps { shape: 0 }).render();
    yew::scheduler::flush().await;
    let tags: Vec<String> = all(&root, ":scope > div > *").iter().map(|el| el.tag_name()).collect();
    assert_eq!(tags, ["EM", "SPAN", "P", "EM", "SPAN", "B"], "each element made with its own tag");

    let p = all(&root, "p").remove(0);
    let marker = JsValue::from_str("kept");
    js_sys::Reflect::set(&p, &"__mark".into(), &marker).expect("marked");
    for (shape, expected) in [
        (1, pairs(&[("id", "x"), ("lang", "de"), ("title", "u")])),
        (2, pairs(&[("dir", "rtl"), ("id", "y")])),
        (3, pairs(&[("id", "z"), ("title", "v")])),
        (0, pairs(&[("class", "a"), ("title", "t")])),
        (3, pairs(&[("id", "z"), ("title", "v")])),
        (2, pairs(&[("dir", "rtl"), ("id", "y")])),
        (1, pairs(&[("id", "x"), ("lang", "de"), ("title", "u")])),
    ] {
        app.update(ShapeProps { shape });
        yew::scheduler::flush().await;
        let now = all(&root, "p").remove(0);
        assert_eq!(js_sys::Reflect::get(&now, &"__mark".into()).ok(), Some(marker.clone()), "the same <p> in shape {shape}");
        assert_eq!(attributes(&now), expected, "shape {shape}");
    }
    app.destroy();
}
