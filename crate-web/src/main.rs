//! Mounts the spsview app.

fn main() {
    // Panics become readable console messages instead of "unreachable executed".
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(sps_web::App);
}
