//! plotters' canvas backend, measuring text with the canvas rather than through the page.
//!
//! In WebAssembly plotters measures a label by adding a `<span>` to the page and reading its
//! size, so every label forces the browser to lay out the page: on the first draw after a section
//! is shown that is the whole section (its tables included), and then a layout per label (a verb
//! × resource chart has hundreds). On a large log that made the first switch to Vocabulary a
//! main-thread task of over a second. Here a label is measured with `measureText` on a canvas
//! context of its own, which never touches the page's layout, and each size is kept.
//!
//! The sizes are the span's: the width rounded to a whole pixel, the height the font's ascent plus
//! descent (the span's line box could be one pixel taller at large sizes, where the font's line
//! gap rounds up; no chart's layout depends on that pixel).

use std::cell::RefCell;
use std::collections::HashMap;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Sizes kept at most; past it the cache starts again (labels are type names, so a session that
/// loads log after log could otherwise grow it without end).
const CACHE_LIMIT: usize = 20_000;

#[wasm_bindgen]
extern "C" {
    /// The part of `CanvasRenderingContext2D` used here (web-sys's `TextMetrics` is a feature
    /// this crate does not otherwise need).
    #[wasm_bindgen(extends = js_sys::Object)]
    type MeasuringContext;
    #[wasm_bindgen(method, setter = font)]
    fn set_font(this: &MeasuringContext, font: &str);
    #[wasm_bindgen(method, js_name = measureText)]
    fn measure_text(this: &MeasuringContext, text: &str) -> TextMetrics;

    type TextMetrics;
    #[wasm_bindgen(method, getter)]
    fn width(this: &TextMetrics) -> f64;
    #[wasm_bindgen(method, getter, js_name = fontBoundingBoxAscent)]
    fn font_ascent(this: &TextMetrics) -> f64;
    #[wasm_bindgen(method, getter, js_name = fontBoundingBoxDescent)]
    fn font_descent(this: &TextMetrics) -> f64;
}

struct Measurer {
    context: MeasuringContext,
    /// The font `context` is set to, so that it is set only when it changes.
    font: String,
    sizes: HashMap<(String, String), (u32, u32)>,
}

thread_local! {
    static MEASURER: RefCell<Option<Measurer>> = const { RefCell::new(None) };
}

fn new_measurer() -> Option<Measurer> {
    let canvas = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    let context = canvas.get_context("2d").ok()??;
    Some(Measurer {
        context: context.unchecked_into(),
        font: String::new(),
        sizes: HashMap::new(),
    })
}

/// The CSS font the canvas backend draws `style` with (see `CanvasBackend::draw_text`).
fn css_font<S: BackendTextStyle>(style: &S) -> String {
    format!(
        "{} {}px {}",
        style.style().as_str(),
        style.size(),
        style.family().as_str()
    )
}

/// Width and height in pixels of `text` drawn in `font`; None where no canvas can measure.
fn measure(font: &str, text: &str, size: f64) -> Option<(u32, u32)> {
    MEASURER.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            *cell = new_measurer();
        }
        let measurer = cell.as_mut()?;
        let key = (font.to_string(), text.to_string());
        if let Some(size) = measurer.sizes.get(&key) {
            return Some(*size);
        }
        if measurer.font != font {
            measurer.context.set_font(font);
            measurer.font = font.to_string();
        }
        let metrics = measurer.context.measure_text(text);
        let width = metrics.width();
        let height = metrics.font_ascent() + metrics.font_descent();
        // Browsers without font metrics (before 2023) give undefined: the usual line height.
        let height = if height.is_finite() && height > 0.0 {
            height
        } else {
            size * 1.15
        };
        let measured = (
            width.max(0.0).round() as u32,
            height.max(0.0).round() as u32,
        );
        if measurer.sizes.len() >= CACHE_LIMIT {
            measurer.sizes.clear();
        }
        measurer.sizes.insert(key, measured);
        Some(measured)
    })
}

/// A [`CanvasBackend`] that measures text without laying out the page; it draws exactly as the
/// canvas backend does.
pub(crate) struct MeasuredCanvas {
    inner: CanvasBackend,
}

impl MeasuredCanvas {
    pub(crate) fn new(canvas: web_sys::HtmlCanvasElement) -> Option<Self> {
        CanvasBackend::with_canvas_object(canvas).map(|inner| Self { inner })
    }
}

type Failure = DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>;

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failure> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failure> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failure> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Failure> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Failure> {
        match measure(&css_font(style), text, style.size()) {
            Some(size) => Ok(size),
            // No canvas to measure with: plotters' own measure, through the page.
            None => self.inner.estimate_text_size(text, style),
        }
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Failure> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
