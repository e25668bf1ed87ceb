//! "Is orgdesk healthy?" — one click. A plain form: the report comes back as the page's notice, in
//! place on a page with the bundle (the desk's script posts it), as a page load without.

use leptos::prelude::*;

use super::post::PostForm;

#[component]
pub fn StatusCheck() -> impl IntoView {
    view! {
        <PostForm class="status-check" endpoint="service_status" pending="Checking…">
            <button type="submit" class="btn btn--quiet">"Check service status"</button>
        </PostForm>
    }
}
