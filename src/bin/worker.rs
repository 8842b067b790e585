use gloo_worker::Registrable;

fn main() {
    console_error_panic_hook::set_once();
    perfspec_web::worker::EngineWorker::registrar()
        .encoding::<perfspec_web::codec::JsCodec>()
        .register();
}
