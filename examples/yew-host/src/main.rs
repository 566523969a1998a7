//! A Rust host page that embeds the widget as a Yew component, the way an
//! onboarding page written in Yew would: the options checked by
//! `parse_options`, tokens from the host's own backend (never a secret in
//! the page), and the widget's callbacks shown by the host.
//!
//! Served by Trunk (`examples/yew-host/README.md`); its backend is the
//! sandbox's demo host (`POST /demo/token`, proxied by `trunk serve`).

#[cfg(target_arch = "wasm32")]
mod host {
    use kyc_upload::core::options::{parse_options, RawValue};
    use kyc_upload::core::status::Verification;
    use kyc_upload::core::token::TokenValue;
    use kyc_upload::web::components::{KycUpload, SubmittedInfo, WidgetError};
    use kyc_upload::web::token::{token_value, TokenSource};
    use std::rc::Rc;
    use yew::prelude::*;

    /// A token from this page's own backend (`POST /demo/token`), asked
    /// whenever the widget needs one; the backend holds the client secret.
    async fn fetch_token() -> Result<TokenValue, String> {
        let response = gloo_net::http::Request::post("/demo/token")
            .header("Content-Type", "application/json")
            .body("{}")
            .map_err(|e| e.to_string())?
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.ok() {
            return Err(format!("the token endpoint answered {}", response.status()));
        }
        let text = response.text().await.map_err(|e| e.to_string())?;
        let value = js_sys::JSON::parse(&text).map_err(|_| "the token endpoint sent no JSON".to_string())?;
        token_value(&value)
    }

    /// A query parameter of the page's URL.
    fn query(name: &str) -> Option<String> {
        let search = web_sys::window()?.location().search().ok()?;
        web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
    }

    /// What the widget reported, oldest first.
    #[derive(Default, PartialEq)]
    struct Log(Vec<String>);

    impl Reducible for Log {
        type Action = String;

        fn reduce(self: Rc<Self>, line: String) -> Rc<Self> {
            let mut lines = self.0.clone();
            lines.push(line);
            Rc::new(Log(lines))
        }
    }

    /// The host page: a heading, the widget, and what the widget reported.
    #[component]
    pub fn App() -> Html {
        let log = use_reducer(Log::default);
        let customer_id = query("customer").unwrap_or_else(|| "cus_individual_demo".into());
        // The sandbox's API on this host by default; `?api=` points elsewhere.
        let api = query("api").unwrap_or_else(|| {
            let host = web_sys::window().and_then(|w| w.location().hostname().ok()).unwrap_or_default();
            format!("http://{host}:8787/v1")
        });
        let options = parse_options(&[
            ("apiBase".into(), RawValue::String(api)),
            ("customerId".into(), RawValue::String(customer_id)),
            ("getToken".into(), RawValue::Function),
        ]);
        let options = match options {
            Ok(options) => Rc::new(options),
            Err(e) => return html! { <p role="alert">{ format!("{}: {}", e.option, e.message) }</p> },
        };
        let tokens = TokenSource::Rust(Rc::new(|| Box::pin(fetch_token())));
        let on_submitted = {
            let log = log.dispatcher();
            Callback::from(move |s: SubmittedInfo| log.dispatch(format!("Submitted {} file(s) for {}.", s.files.len(), s.customer_id)))
        };
        let on_error = {
            let log = log.dispatcher();
            Callback::from(move |e: WidgetError| log.dispatch(format!("Error {}: {}", e.code, e.message)))
        };
        let on_status_change = {
            let log = log.dispatcher();
            Callback::from(move |v: Verification| log.dispatch(format!("Verification: {}.", v.as_str())))
        };
        html! {
            <main>
                <h1>{ "Verify your identity" }</h1>
                <KycUpload {options} {tokens} {on_submitted} {on_error} {on_status_change} />
                <h2>{ "What the widget reported" }</h2>
                <ul data-testid="host-log" aria-live="polite">
                    { for log.0.iter().map(|line| html! { <li>{ line }</li> }) }
                </ul>
            </main>
        }
    }
}

fn main() {
    #[cfg(target_arch = "wasm32")]
    yew::Renderer::<host::App>::new().render();
}
