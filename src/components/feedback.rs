//! Loading, error and confirmation pieces every desk page uses.

use leptos::prelude::*;

use crate::model::AppError;

/// Reads an action's `pending()` for a view: one memo per view, made while the view is built (calling
/// `pending()` inside the closure made a new memo at every run), and `false` rather than a panic once
/// the page's reactive owner is gone.
pub fn flag(pending: Memo<bool>) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    move || pending.try_get().unwrap_or(false)
}

/// Reads an action's `value()` for a view, like `flag`: `None` once the page is gone.
pub fn latest<O: Clone + Send + Sync + 'static>(
    value: MappedSignal<Option<O>>,
) -> impl Fn() -> Option<O> + Copy + Send + Sync + 'static {
    move || value.try_get().flatten()
}

/// A readable error with the request id to quote to support.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    // On the server the page answers with the error's real status.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(error.status_code()) {
            response.set_status(code);
        }
    }
    let retry = error.kind.is_retryable().then_some(" You can try again.");
    let sign_in = (error.kind == crate::model::ErrorKind::Unauthenticated).then(|| {
        let here = leptos_router::hooks::use_location()
            .pathname
            .get_untracked();
        let href = format!("/login?return_to={}", here);
        view! { <p><a class="btn btn--primary" href=href rel="external">"Sign in"</a></p> }
    });
    view! {
        <div class="note note--error" role="alert">
            <p>{error.message.clone()}{retry}</p>
            {sign_in}
            {error.request_id.map(|id| view! { <p class="small muted">"Request id: " <code>{id}</code></p> })}
        </div>
    }
}

#[component]
pub fn Loading(#[prop(into)] what: String) -> impl IntoView {
    view! { <p class="muted" role="status">"Loading " {what} "…"</p> }
}

/// A destructive button that asks once more, inline, before acting.
#[component]
pub fn ConfirmButton(
    #[prop(into)] label: String,
    #[prop(into)] question: String,
    #[prop(into)] confirm: String,
    on_confirm: Callback<()>,
    #[prop(into, optional)] pending: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                let label = label.clone();
                view! {
                    <button type="button" class="btn btn--danger" on:click=move |_| asking.set(true)>
                        {label}
                    </button>
                }
            }
        >
            <span class="confirm" role="group" aria-label="Confirm">
                <span class="confirm__question">{question.clone()}</span>
                <button
                    type="button"
                    class="btn btn--danger"
                    disabled=move || pending.try_get().unwrap_or(false)
                    on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }
                >
                    {confirm.clone()}
                </button>
                <button type="button" class="btn" on:click=move |_| asking.set(false)>"Cancel"</button>
            </span>
        </Show>
    }
}
