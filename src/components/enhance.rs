//! The desk's script for forms rendered on the server (`post::PostForm`): it posts them in place.
//! A form posts as it would without JavaScript, to `/forms/<server function>`, marked as sent from
//! here (`forms::ENHANCED`), and the page's `<main>` is swapped for the answer's: the same page the
//! browser would have loaded, without the load. So there is one way a change is answered, and the
//! bundle holds this one loop rather than every page's views and wire types. Also here, because the
//! parts they act on are never hydrated: copy buttons (`data-copy`), the question before a change
//! that cannot be taken back, instants in the reader's own time zone (`time[data-local]`), and the
//! contrast of two colours as they are typed (`output[data-contrast]`).

use leptos::prelude::*;

/// Lives once per page with the bundle, outside `<main>` (what it swaps).
#[island]
pub fn Enhancer() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| browser::install());
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    use leptos::leptos_dom::helpers::{set_interval_with_handle, set_timeout_with_handle};
    use leptos::prelude::{document, window};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Element, Event, FormData, Headers, HtmlElement, HtmlFormElement, HtmlInputElement,
        HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent, RequestInit, Response,
        UrlSearchParams,
    };

    use crate::components::island::here;
    use crate::components::post::{ENHANCED, GO};
    use crate::model::status::QueueReport;

    thread_local! {
        /// The address whose page `<main>` shows (the back button reloads when it no longer matches).
        static SHOWN: RefCell<String> = RefCell::new(here());
    }

    fn listen<E: JsCast + 'static>(
        target: &web_sys::EventTarget,
        name: &str,
        mut f: impl FnMut(E) + 'static,
    ) {
        let closure = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            if let Ok(ev) = ev.dyn_into::<E>() {
                f(ev);
            }
        });
        let _ = target.add_event_listener_with_callback(name, closure.as_ref().unchecked_ref());
        closure.forget();
    }

    pub fn install() {
        let doc = document();
        if let Some(root) = doc.document_element() {
            localize(&root);
        }
        listen(&doc, "submit", on_submit);
        listen(&doc, "click", on_click);
        listen(&doc, "input", |_: Event| contrasts());
        listen(&window(), "popstate", |_: Event| {
            if SHOWN.with_borrow(|shown| *shown != here()) {
                let _ = window().location().reload();
            }
        });
    }

    fn on_submit(ev: web_sys::SubmitEvent) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if !form.has_attribute("data-enhance") || ev.default_prevented() {
            return;
        }
        // A page whose parts are islands cannot take a swapped `<main>` (its islands would not be
        // hydrated): its forms (the footer's status check on the rules page) post as they are.
        if document()
            .query_selector("#main leptos-island")
            .ok()
            .flatten()
            .is_some()
        {
            return;
        }
        ev.prevent_default();
        if form.get_attribute("aria-busy").is_some() {
            return;
        }
        if let Some(missing) = missing_choice(&form) {
            problem(&form, &missing);
            return;
        }
        match (field(&form, "_question"), field(&form, "_confirm")) {
            (Some(question), Some(yes)) => ask(form, &question, &yes),
            _ => send(form, false),
        }
    }

    /// A shown group that needs one box ticked (`data-need-one`) and has none: what it says. The
    /// server says the same; nobody should wait for it.
    fn missing_choice(form: &HtmlFormElement) -> Option<String> {
        let groups = form.query_selector_all("[data-need-one]").ok()?;
        (0..groups.length())
            .filter_map(|i| groups.item(i))
            .filter_map(|g| g.dyn_into::<HtmlElement>().ok())
            .filter(|g| g.offset_parent().is_some())
            .find(|g| matches!(g.query_selector("input:checked"), Ok(None)))
            .and_then(|g| g.get_attribute("data-need-one"))
    }

    fn field(form: &HtmlFormElement, name: &str) -> Option<String> {
        form.query_selector(&format!("input[name={name}]"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .map(|input| input.value())
    }

    fn on_click(ev: web_sys::MouseEvent) {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|e| e.closest("button[data-copy]").ok().flatten())
        else {
            return;
        };
        let value = button.get_attribute("data-copy").unwrap_or_default();
        let _ = window().navigator().clipboard().write_text(&value);
        button.set_text_content(Some("Copied"));
        if let Some(status) = button.next_element_sibling() {
            status.set_text_content(button.get_attribute("data-copied").as_deref());
        }
    }

    /// Asks inline, after the form: the answer's button takes the keyboard; Cancel or Escape puts
    /// it back on what asked (the form's button, or its box that submits when changed).
    fn ask(form: HtmlFormElement, question: &str, yes: &str) {
        let toggle = toggle(&form);
        // A button steps aside for the question; a box stays where it is, as it was.
        let steps_aside = toggle.is_none();
        let Some(trigger) = toggle.or_else(|| submit_buttons(&form).into_iter().next()) else {
            return;
        };
        let (Some(group), Some(text), Some(ok), Some(no)) = (
            element("span", "confirm", ""),
            element("span", "confirm__question", question),
            element("button", "btn btn--danger", yes),
            element("button", "btn", "Cancel"),
        ) else {
            return;
        };
        let _ = group.set_attribute("role", "group");
        let _ = group.set_attribute("aria-label", "Confirm");
        for (button, answer) in [(&ok, "yes"), (&no, "no")] {
            let _ = button.set_attribute("type", "button");
            let _ = button.set_attribute("data-answer", answer);
        }
        let _ = group.append_with_node_3(&text, &ok, &no);
        let _ = form.after_with_node_1(&group);
        trigger.set_hidden(steps_aside);
        focus(&ok);
        let answered = Rc::new(Cell::new(false));
        let answer = {
            let (group, trigger, form, answered) = (
                group.clone(),
                trigger.clone(),
                form.clone(),
                answered.clone(),
            );
            move |yes: bool| {
                if answered.replace(true) {
                    return;
                }
                group.remove();
                if steps_aside {
                    trigger.set_hidden(false);
                }
                if yes {
                    send(form.clone(), true);
                } else {
                    let _ = trigger.focus();
                }
            }
        };
        let on_click = answer.clone();
        listen(&group, "click", move |ev: web_sys::MouseEvent| {
            let chosen = ev
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|e| e.get_attribute("data-answer"));
            if let Some(chosen) = chosen {
                on_click(chosen == "yes");
            }
        });
        let on_key = answer;
        listen(&group, "keydown", move |ev: KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                on_key(false);
            }
        });
    }

    /// The control that submits its form when changed (`data-submit`: a role box), if it has one.
    fn toggle(form: &HtmlFormElement) -> Option<HtmlElement> {
        form.query_selector("[data-submit]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    }

    fn element(tag: &str, class: &str, text: &str) -> Option<HtmlElement> {
        let el: HtmlElement = document().create_element(tag).ok()?.unchecked_into();
        el.set_class_name(class);
        el.set_text_content(Some(text));
        Some(el)
    }

    fn focus(el: &Element) {
        if let Some(el) = el.dyn_ref::<HtmlElement>() {
            let _ = el.focus();
        }
    }

    fn submit_buttons(form: &HtmlFormElement) -> Vec<HtmlElement> {
        let Ok(list) = form.query_selector_all("button[type=submit], button:not([type])") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .collect()
    }

    /// The form's button says what is under way and takes no second press; the page says so too.
    fn busy(form: &HtmlFormElement, on: bool) {
        let pending = form.get_attribute("data-pending");
        for button in submit_buttons(form) {
            if on {
                let _ = button.set_attribute("disabled", "");
                if let Some(text) = &pending {
                    let _ = button
                        .set_attribute("data-label", &button.text_content().unwrap_or_default());
                    button.set_text_content(Some(text));
                }
            } else {
                let _ = button.remove_attribute("disabled");
                if let Some(label) = button.get_attribute("data-label") {
                    button.set_text_content(Some(&label));
                }
            }
        }
        let _ = if on {
            form.set_attribute("aria-busy", "true")
        } else {
            form.remove_attribute("aria-busy")
        };
    }

    /// Every field with an id and what it holds, to put back if the answer is an error.
    fn typed(form: &HtmlFormElement) -> Vec<(String, Option<bool>, String)> {
        let controls = form.elements();
        (0..controls.length())
            .filter_map(|i| controls.item(i))
            .filter(|e| !e.id().is_empty())
            .filter_map(|e| {
                if let Some(input) = e.dyn_ref::<HtmlInputElement>() {
                    let kind = input.type_();
                    // A secret pasted for one use is typed again, not kept in the page.
                    if kind == "hidden" || kind == "password" {
                        return None;
                    }
                    let check = (kind == "checkbox" || kind == "radio").then(|| input.checked());
                    Some((e.id(), check, input.value()))
                } else if let Some(select) = e.dyn_ref::<HtmlSelectElement>() {
                    Some((e.id(), None, select.value()))
                } else {
                    e.dyn_ref::<HtmlTextAreaElement>()
                        .map(|t| (e.id(), None, t.value()))
                }
            })
            .collect()
    }

    fn put_back(values: &[(String, Option<bool>, String)]) {
        let doc = document();
        for (id, check, value) in values {
            let Some(el) = doc.get_element_by_id(id) else {
                continue;
            };
            if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
                match check {
                    Some(on) => input.set_checked(*on),
                    None => input.set_value(value),
                }
            } else if let Some(select) = el.dyn_ref::<HtmlSelectElement>() {
                select.set_value(value);
            } else if let Some(text) = el.dyn_ref::<HtmlTextAreaElement>() {
                text.set_value(value);
            }
        }
    }

    fn send(form: HtmlFormElement, confirmed: bool) {
        let Ok(data) = FormData::new_with_form(&form) else {
            return;
        };
        if confirmed {
            let _ = data.append_with_str("_confirmed", "1");
        }
        let action = form.action();
        let values = typed(&form);
        // A box that posted itself keeps the keyboard (its row is where the person is working).
        let toggle = toggle(&form).map(|e| e.id()).filter(|id| !id.is_empty());
        busy(&form, true);
        let waiting = Rc::new(Cell::new(true));
        queue_notice(waiting.clone());
        leptos::task::spawn_local(async move {
            let answer = post(&action, &data).await;
            waiting.set(false);
            match answer {
                Ok(done) => {
                    if !show(done).await {
                        busy(&form, false);
                    } else if document()
                        .query_selector("#main [data-outcome=error]")
                        .ok()
                        .flatten()
                        .is_some()
                    {
                        put_back(&values);
                    } else if let Some(el) = toggle.and_then(|id| document().get_element_by_id(&id))
                    {
                        focus(&el);
                    }
                }
                Err(()) => {
                    busy(&form, false);
                    problem(
                        &form,
                        "orgdesk's answer did not arrive (the connection may have dropped). What you entered is still here; check the page before trying again.",
                    );
                }
            }
        });
    }

    /// Where a post leads: a page to fetch and show, or an answer page as it came.
    enum Done {
        Go(String),
        Page(String),
    }

    async fn fetch(url: &str, init: &RequestInit) -> Result<Response, ()> {
        let response = JsFuture::from(window().fetch_with_str_and_init(url, init))
            .await
            .map_err(drop)?;
        response.dyn_into::<Response>().map_err(drop)
    }

    async fn text(response: &Response) -> Result<String, ()> {
        let text = JsFuture::from(response.text().map_err(drop)?)
            .await
            .map_err(drop)?;
        text.as_string().ok_or(())
    }

    async fn post(action: &str, data: &FormData) -> Result<Done, ()> {
        let body = UrlSearchParams::new_with_str_sequence_sequence(data).map_err(drop)?;
        let headers = Headers::new().map_err(drop)?;
        headers.set(ENHANCED, "1").map_err(drop)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        init.set_headers(&headers);
        let response = fetch(action, &init).await?;
        if let Ok(Some(go)) = response.headers().get(GO) {
            return Ok(Done::Go(go));
        }
        Ok(Done::Page(text(&response).await?))
    }

    /// Shows what the post led to. False when nothing was shown (the form stays as it is).
    async fn show(done: Done) -> bool {
        let (html, address) = match done {
            // Signing in (again, for a step-up) is a real page load: it leaves orgdesk for the tenant.
            Done::Go(to) if to.starts_with("/login") || to.starts_with("/auth/") => {
                let _ = window().location().assign(&to);
                return true;
            }
            Done::Go(to) => {
                let init = RequestInit::new();
                let page = match fetch(&to, &init).await {
                    Ok(response) => text(&response).await,
                    Err(()) => Err(()),
                };
                match page {
                    Ok(html) => (html, Some(to)),
                    // The change is made; only its page did not come: load it.
                    Err(()) => {
                        let _ = window().location().assign(&to);
                        return true;
                    }
                }
            }
            Done::Page(html) => (html, None),
        };
        let Ok(parser) = web_sys::DomParser::new() else {
            return false;
        };
        let Ok(answer) = parser.parse_from_string(&html, web_sys::SupportedType::TextHtml) else {
            return false;
        };
        let doc = document();
        let (Some(main), Some(new_main)) = (
            doc.get_element_by_id("main"),
            answer.query_selector("main").ok().flatten(),
        ) else {
            return false;
        };
        // A page whose parts are islands needs its own load to be hydrated.
        if new_main
            .query_selector("leptos-island")
            .ok()
            .flatten()
            .is_some()
        {
            if let Some(to) = address {
                let _ = window().location().assign(&to);
                return true;
            }
        }
        main.set_inner_html(&new_main.inner_html());
        localize(&main);
        header_from(&answer);
        doc.set_title(&answer.title());
        if let Some(to) = address {
            if to != here() {
                let _ = window()
                    .history()
                    .and_then(|h| h.push_state_with_url(&JsValue::NULL, "", Some(&to)));
            }
            SHOWN.with_borrow_mut(|shown| *shown = to);
        }
        let outcome = main
            .query_selector("[data-outcome], [role=alert]:not([hidden])")
            .ok()
            .flatten();
        focus(outcome.as_ref().unwrap_or(&main));
        true
    }

    /// Instants the server wrote in UTC (`time[data-local]`), in the reader's own time zone and
    /// language.
    /// The header as the answer has it (a change can rename the organization or change its branding),
    /// with its accent colour set on the page (a stylesheet element from the answer would carry
    /// another response's nonce and be refused).
    fn header_from(answer: &web_sys::Document) {
        let doc = document();
        let (Some(header), Some(new_header)) = (
            doc.query_selector("header.site-header").ok().flatten(),
            answer.query_selector("header.site-header").ok().flatten(),
        ) else {
            return;
        };
        header.set_inner_html(&new_header.inner_html());
        let accent = header
            .query_selector("[data-accent]")
            .ok()
            .flatten()
            .and_then(|b| b.get_attribute("data-accent"))
            .filter(|a| crate::model::organization::parse_hex(a).is_some());
        if let Some(root) = doc
            .document_element()
            .and_then(|r| r.dyn_into::<HtmlElement>().ok())
        {
            let style = root.style();
            let _ = match accent {
                Some(hex) => style.set_property("--org-accent", &hex),
                None => style.remove_property("--org-accent").map(drop),
            };
        }
    }

    /// Each `output[data-contrast="a b"]` says the contrast of the colours typed in inputs `a` and
    /// `b` (by id), in the words the server's check uses.
    fn contrasts() {
        use crate::model::organization::contrast_note;
        let doc = document();
        let Ok(outputs) = doc.query_selector_all("output[data-contrast]") else {
            return;
        };
        let value = |id: &str| {
            doc.get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                .map(|i| i.value())
                .unwrap_or_default()
        };
        for el in (0..outputs.length()).filter_map(|i| outputs.item(i)) {
            let Some(el) = el.dyn_ref::<Element>() else {
                continue;
            };
            let ids = el.get_attribute("data-contrast").unwrap_or_default();
            let mut ids = ids.split_whitespace();
            let (Some(a), Some(b)) = (ids.next(), ids.next()) else {
                continue;
            };
            el.set_text_content(Some(&contrast_note(&value(a), &value(b))));
        }
    }

    fn localize(root: &Element) {
        let Ok(times) = root.query_selector_all("time[data-local]") else {
            return;
        };
        for el in (0..times.length()).filter_map(|i| times.item(i)) {
            let Some(el) = el.dyn_ref::<Element>() else {
                continue;
            };
            let Some(at) = el.get_attribute("datetime") else {
                continue;
            };
            let date = js_sys::Date::new(&JsValue::from_str(&at));
            if !date.get_time().is_nan() {
                let local: String = date.to_locale_string("default", &JsValue::UNDEFINED).into();
                el.set_text_content(Some(&local));
            }
        }
    }

    fn problem(form: &HtmlFormElement, text: &str) {
        if let Ok(Some(old)) = form.query_selector("[data-testid=form-problem]") {
            old.remove();
        }
        let Some(note) = element("p", "note note--error", text) else {
            return;
        };
        let _ = note.set_attribute("role", "alert");
        let _ = note.set_attribute("tabindex", "-1");
        let _ = note.set_attribute("data-testid", "form-problem");
        let _ = form.append_with_node_1(&note);
        focus(&note);
    }

    /// While a change waits for more than a moment, the page's queue slot says how many Management
    /// API calls are ahead and about how long is left.
    fn queue_notice(waiting: Rc<Cell<bool>>) {
        let poll = move || {
            let waiting = waiting.clone();
            let ticker: Rc<Cell<Option<leptos::leptos_dom::helpers::IntervalHandle>>> =
                Rc::default();
            let handle = set_interval_with_handle(
                {
                    let ticker = ticker.clone();
                    move || {
                        if !waiting.get() {
                            if let Some(handle) = ticker.take() {
                                handle.clear();
                            }
                            return;
                        }
                        let waiting = waiting.clone();
                        leptos::task::spawn_local(async move {
                            if let Ok(report) = queue_report().await {
                                if waiting.get() {
                                    say_queued(&report);
                                }
                            }
                        });
                    }
                },
                Duration::from_millis(1000),
            );
            ticker.set(handle.ok());
        };
        let _ = set_timeout_with_handle(poll, Duration::from_millis(600));
    }

    /// `/api/queue` (`api::status::auth0_queue`), read by hand: its server-function client would
    /// bring serde and server_fn's machinery into the bundle for three numbers.
    async fn queue_report() -> Result<QueueReport, ()> {
        let headers = Headers::new().map_err(drop)?;
        headers
            .set("content-type", "application/json")
            .map_err(drop)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str("{}"));
        init.set_headers(&headers);
        let response = fetch("/api/queue", &init).await?;
        if !response.ok() {
            return Err(());
        }
        let json = js_sys::JSON::parse(&text(&response).await?).map_err(drop)?;
        let number = |key: &str| {
            js_sys::Reflect::get(&json, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_f64())
        };
        Ok(QueueReport {
            waiting: number("waiting").unwrap_or(0.0) as u64,
            seconds: number("seconds").unwrap_or(0.0) as u64,
            per_second: number("per_second"),
        })
    }

    fn say_queued(report: &QueueReport) {
        let Ok(Some(slot)) = document().query_selector("#main [data-queue-slot]") else {
            return;
        };
        if report.waiting == 0 && report.seconds <= 1 {
            slot.set_inner_html("");
            return;
        }
        let Some(note) = element("p", "note note--info", &report.describe()) else {
            return;
        };
        let _ = note.set_attribute("data-testid", "queue-notice");
        slot.set_inner_html("");
        let _ = slot.append_with_node_1(&note);
    }
}
