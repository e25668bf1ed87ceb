//! The local tenant's login page, as a browser fills it in: written once for the tests and the
//! benchmarks (`benches/common` includes this file).

/// The value of the hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("hidden field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Opens the tenant's login page at `authorize_url` and posts the credentials to it (`tenant` is the
/// tenant's base URL, without the trailing slash). Answers the tenant's reply.
pub async fn submit_login(
    browser: &reqwest::Client,
    tenant: &str,
    authorize_url: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let page = browser
        .get(authorize_url)
        .send()
        .await
        .expect("the login page");
    assert_eq!(page.status(), 200, "the tenant shows its login page");
    let tx = hidden(&page.text().await.expect("the login page"), "tx");
    browser
        .post(format!("{}/u/login", tenant.trim_end_matches('/')))
        .form(&[
            ("tx", tx.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .expect("the credentials")
}
