//! orgdesk: a self-service organization admin desk for B2B SaaS vendors on Auth0.
//!
//! One crate, two builds: `ssr` is the server binary (axum + Leptos SSR), `hydrate` the browser bundle.

pub mod api;
pub mod app;
pub mod components;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod clock;
#[cfg(feature = "ssr")]
pub mod cookies;
#[cfg(feature = "ssr")]
pub mod emulator;
#[cfg(feature = "ssr")]
pub mod env_file;
#[cfg(feature = "ssr")]
pub mod html;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod setup;

/// Every binary built with the server (orgdesk, its tests and benchmarks) allocates with mimalloc.
#[cfg(feature = "ssr")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The browser bundle's entry point. Pages are rendered on the server; only their islands (the parts
/// that act in place) are hydrated, each from the props and data the server wrote beside it.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
