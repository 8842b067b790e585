//! Messages cross to the worker as structured-cloneable JS values rather than gloo's default
//! bincode bytes, so that a `File` travels as a handle (the worker reads it in slices) instead of
//! being copied whole into a message.

use gloo_worker::Codec;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

pub struct JsCodec;

impl Codec for JsCodec {
    fn encode<I: Serialize>(input: I) -> JsValue {
        let serializer = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
        match input.serialize(&serializer) {
            Ok(value) => value,
            Err(error) => {
                web_sys::console::warn_1(&format!("perfspec: message not encoded: {error}").into());
                JsValue::NULL
            }
        }
    }

    fn decode<O: for<'de> Deserialize<'de>>(input: JsValue) -> O {
        // Both ends are this crate's own types built from one source, so a message that does not
        // decode is a programming error that no user input can cause.
        serde_wasm_bindgen::from_value(input).expect("worker message of a known type")
    }
}
