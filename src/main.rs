//! Entry point: mounts the app (browser build) — nothing else lives here.

#[cfg(target_arch = "wasm32")]
fn main() {
    dvk_registry::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("DVK Registry is a web app: build it with `make serve` (Trunk), not `cargo run`.");
}
