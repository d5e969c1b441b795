//! Mounts the app into the page; everything else lives in the library.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(lifeboat_frontend::App);
}
