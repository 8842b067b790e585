//! One chart on a canvas, with its numbers in a table and PNG / SVG export (see ARCHITECTURE.md,
//! The page).
//!
//! The drawing is `perfspec_charts`' own: the same function draws this canvas, the SVG export and
//! the CLI's `--charts` files. The canvas is sized in device pixels and the theme scaled to match,
//! so that the chart stays sharp on high-density screens.
//!
//! Drawing keeps the page responsive on large logs: a chart is drawn in a task of its own after
//! the frame that shows its section (never in the click that shows it, nor together with the
//! other charts of the section), measures its labels without laying out the page
//! ([`MeasuredCanvas`]), and is drawn again only when its data or the colour scheme changed while
//! it is shown; its table of numbers is built with the drawing.

use leptos::html::Canvas;
use leptos::prelude::*;
use perfspec_charts::plotters::prelude::IntoDrawingArea;
use perfspec_charts::{Chart, ChartKind, ChartTable, Theme};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::page::components::measured_canvas::MeasuredCanvas;
use crate::page::download::{download_text, download_url};

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// A chart and its table. `chart` is redrawn whenever it changes (and when the page switches
/// between light and dark) while `visible` (default: always); a change while hidden is drawn when
/// it is shown again. `file_stem` names the exported files (default: the kind's name); `width`
/// and `height` are the chart's size in CSS pixels (it shrinks with a narrow page).
#[component]
pub(crate) fn ChartView(
    kind: ChartKind,
    #[prop(into)] chart: Signal<Chart>,
    #[prop(optional, into)] visible: Option<Signal<bool>>,
    #[prop(optional, into)] file_stem: Option<String>,
    #[prop(optional)] width: Option<u32>,
    #[prop(optional)] height: Option<u32>,
) -> impl IntoView {
    let width = width.unwrap_or(720);
    let height = height.unwrap_or(match kind {
        ChartKind::VerbResource | ChartKind::Confusion => 600,
        _ => 450,
    });
    let name = kind.name();
    let file_stem = file_stem.unwrap_or_else(|| name.to_string());
    let canvas = NodeRef::<Canvas>::new();
    let dark = prefers_dark();
    let error = RwSignal::new(None::<String>);
    // The chart and scheme on the canvas, and the numbers beside it: both set by the drawing.
    let drawn = StoredValue::new_local(None::<(Chart, bool)>);
    let table = RwSignal::new_local(None::<ChartTable>);
    // Bumped by every drawing asked for, so that only the last one asked for runs.
    let asked = StoredValue::new_local(0_u64);

    Effect::new(move |_| {
        let shown = visible.is_none_or(|visible| visible.get());
        let dark = dark.get();
        let chart = chart.get();
        if canvas.get().is_none() || !shown {
            return;
        }
        let wanted = (chart, dark);
        let ticket = asked.get_value() + 1;
        asked.set_value(ticket);
        if drawn.with_value(|drawn| drawn.as_ref() == Some(&wanted)) {
            return; // already on the canvas (a drawing still on its way is called off)
        }
        // After the next frame: the click or message that asked for it ends, the section is
        // painted, and then each chart draws in a task of its own.
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if asked.try_get_value() != Some(ticket) {
                        return; // asked again since, or the chart is gone
                    }
                    let Some(canvas) = canvas.get_untracked() else {
                        return;
                    };
                    let (chart, dark) = wanted;
                    let result = draw(&canvas, &chart, theme(dark), width, height);
                    error.try_set(result.err());
                    let numbers = chart.table();
                    drawn.set_value(Some((chart, dark)));
                    // The numbers beside it in a task of their own (the verb × resource table
                    // has a row per resource).
                    set_timeout(
                        move || {
                            if asked.try_get_value() == Some(ticket) {
                                table.try_set(Some(numbers));
                            }
                        },
                        std::time::Duration::ZERO,
                    );
                },
                std::time::Duration::ZERO,
            );
        });
    });

    let export_png = {
        let file = format!("{file_stem}.png");
        move |_| {
            let result = canvas
                .get_untracked()
                .ok_or_else(|| "the chart is not on the page".to_string())
                .and_then(|canvas| {
                    // Asked for before its drawing came round: drawn now.
                    if drawn.with_value(Option::is_none) {
                        let chart = chart.get_untracked();
                        let theme = theme(dark.get_untracked());
                        draw(&canvas, &chart, theme, width, height)?;
                    }
                    canvas
                        .to_data_url()
                        .map_err(|_| "the browser could not make the PNG".to_string())
                })
                .and_then(|url| download_url(&file, &url));
            error.set(result.err());
        }
    };
    let export_svg = {
        let file = format!("{file_stem}.svg");
        move |_| {
            let theme = theme(dark.get_untracked());
            let result = chart
                .with_untracked(|chart| chart.render_svg(&theme, width, height))
                .map_err(|why| why.to_string())
                .and_then(|svg| download_text(&file, "image/svg+xml", &svg));
            error.set(result.err());
        }
    };

    view! {
        <figure class="chart" data-chart=name>
            <canvas
                node_ref=canvas
                data-testid=format!("chart-{name}")
                role="img"
                aria-label=kind.title()
                style=format!("width: {width}px; max-width: 100%; height: auto;")
            ></canvas>
            {move || {
                error
                    .get()
                    .map(|why| view! { <p class="chart-error" role="alert">{why}</p> })
            }}
            <div class="chart-actions">
                <button type="button" data-testid=format!("export-chart-{name}-png") on:click=export_png>
                    "Export PNG"
                </button>
                <button type="button" data-testid=format!("export-chart-{name}-svg") on:click=export_svg>
                    "Export SVG"
                </button>
            </div>
            <details class="chart-table">
                <summary>"The numbers"</summary>
                {move || table.get().map(table_view)}
            </details>
        </figure>
    }
}

/// Draws `chart` filling the canvas, at the screen's pixel density.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    chart: &Chart,
    theme: Theme,
    width: u32,
    height: u32,
) -> Result<(), String> {
    let ratio = device_ratio();
    canvas.set_width((f64::from(width) * ratio).round() as u32);
    canvas.set_height((f64::from(height) * ratio).round() as u32);
    let backend = MeasuredCanvas::new(canvas.clone())
        .ok_or_else(|| "this browser cannot draw on a canvas".to_string())?;
    let area = backend.into_drawing_area();
    chart
        .draw(&area, &theme.scaled(ratio))
        .map_err(|why| why.to_string())?;
    area.present().map_err(|why| why.to_string())
}

/// Has the browser ready the fonts that the charts draw with, and the tables' `<code>`, one font
/// per task just after the page first shows, while it has nothing else to do.
///
/// The first text in a new font and size makes Chromium ask its browser process for the font's
/// rendering settings, and wait for the answer: a few ms on an idle machine, but measured while an
/// LSTM trained on a 2-core machine the answer took 50-270 ms to come back, inside whatever task
/// drew that text first (a chart's drawing, or the layout of a section shown for the first time).
pub(crate) fn prepare_fonts() {
    let theme = Theme::light().scaled(device_ratio());
    let mut fonts: Vec<String> = perfspec_charts::TEXT_FONTS
        .iter()
        // As plotters' canvas backend writes it (style, size, family).
        .map(|(size, style)| {
            format!(
                "{} {}px {}",
                style.as_str(),
                theme.font_px(*size),
                theme.font_family
            )
        })
        .collect();
    fonts.extend(table_code_font());
    fonts.reverse();
    request_animation_frame(move || prepare_next(fonts));
}

fn prepare_next(mut fonts: Vec<String>) {
    set_timeout(
        move || {
            let Some(font) = fonts.pop() else {
                return;
            };
            let context = document()
                .create_element("canvas")
                .ok()
                .and_then(|canvas| canvas.dyn_into::<web_sys::HtmlCanvasElement>().ok())
                .and_then(|canvas| canvas.get_context("2d").ok().flatten())
                .and_then(|context| context.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
            if let Some(context) = context {
                context.set_font(&font);
                // Drawing needs the font's glyphs and settings, measuring alone may not.
                let _ = context.fill_text("Aa 0,9", 0.0, 10.0);
            }
            prepare_next(fonts);
        },
        std::time::Duration::ZERO,
    );
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = getComputedStyle)]
    fn computed_style(element: &web_sys::Element) -> ComputedStyle;
    type ComputedStyle;
    #[wasm_bindgen(method, js_name = getPropertyValue)]
    fn property(this: &ComputedStyle, name: &str) -> String;
}

/// The font of a type name in a table cell, as the page's style sheet sets it: read from a probe
/// that is never laid out (a hidden element has its style computed, not its layout).
fn table_code_font() -> Option<String> {
    let document = document();
    let probe = document.create_element("div").ok()?;
    probe.set_attribute("hidden", "").ok()?;
    probe.set_inner_html("<table><tbody><tr><td><code>x</code></td></tr></tbody></table>");
    document.body()?.append_child(&probe).ok()?;
    let font = probe.query_selector("code").ok().flatten().map(|code| {
        let style = computed_style(&code);
        ["font-style", "font-weight", "font-size", "font-family"]
            .map(|name| style.property(name))
            .join(" ")
    });
    probe.remove();
    font.filter(|font| !font.trim().is_empty())
}

fn device_ratio() -> f64 {
    let ratio = window().device_pixel_ratio();
    if ratio.is_finite() && ratio >= 1.0 {
        ratio
    } else {
        1.0
    }
}

fn theme(dark: bool) -> Theme {
    if dark {
        Theme::dark()
    } else {
        Theme::light()
    }
}

/// Whether the page prefers dark colours, following the system setting while the chart is shown.
fn prefers_dark() -> ReadSignal<bool> {
    let query = window().match_media(DARK_QUERY).ok().flatten();
    let (dark, set_dark) = signal(query.as_ref().is_some_and(|query| query.matches()));
    if let Some(query) = query {
        let listener = Closure::<dyn Fn()>::new(move || {
            let now = window()
                .match_media(DARK_QUERY)
                .ok()
                .flatten()
                .is_some_and(|query| query.matches());
            set_dark.set(now);
        });
        query.set_onchange(Some(listener.as_ref().unchecked_ref()));
        // Both live as long as the component; on cleanup the query lets go of the listener
        // before it is dropped.
        let kept = StoredValue::new_local(Some((query, listener)));
        on_cleanup(move || {
            kept.update_value(|kept| {
                if let Some((query, _listener)) = kept.take() {
                    query.set_onchange(None);
                }
            });
        });
    }
    dark
}

fn table_view(table: ChartTable) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table>
                <caption>{table.caption}</caption>
                <thead>
                    <tr>
                        {table
                            .headers
                            .into_iter()
                            .map(|header| view! { <th scope="col">{header}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {table
                        .rows
                        .into_iter()
                        .map(|row| {
                            let mut cells = row.into_iter();
                            let first = cells.next().unwrap_or_default();
                            view! {
                                <tr>
                                    <th scope="row">{first}</th>
                                    {cells.map(|cell| view! { <td>{cell}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
