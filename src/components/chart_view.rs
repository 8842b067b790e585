//! One chart on a canvas, with its numbers in a table and PNG / SVG export (SPEC §6).
//!
//! The drawing is `perfspec_charts`' own: the same function draws this canvas, the SVG export and
//! the CLI's `--charts` files. The canvas is sized in device pixels and the theme scaled to match,
//! so that the chart stays sharp on high-density screens.

use leptos::html::Canvas;
use leptos::prelude::*;
use perfspec_charts::plotters::prelude::IntoDrawingArea;
use perfspec_charts::{Chart, ChartKind, ChartTable, Theme};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::download::{download_text, download_url};

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// A chart and its table. `chart` is redrawn whenever it changes (and when the page switches
/// between light and dark). `file_stem` names the exported files (default: the kind's name);
/// `width` and `height` are the chart's size in CSS pixels (it shrinks with a narrow page).
#[component]
pub fn ChartView(
    kind: ChartKind,
    #[prop(into)] chart: Signal<Chart>,
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

    Effect::new(move |_| {
        let chart = chart.get();
        let theme = theme(dark.get());
        let Some(canvas) = canvas.get() else {
            return;
        };
        error.set(draw(&canvas, &chart, theme, width, height).err());
    });

    let export_png = {
        let file = format!("{file_stem}.png");
        move |_| {
            let result = canvas
                .get_untracked()
                .ok_or_else(|| "the chart is not on the page".to_string())
                .and_then(|canvas| {
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
                {move || chart.with(|chart| table_view(chart.table()))}
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
    let ratio = window().device_pixel_ratio();
    let ratio = if ratio.is_finite() && ratio >= 1.0 {
        ratio
    } else {
        1.0
    };
    canvas.set_width((f64::from(width) * ratio).round() as u32);
    canvas.set_height((f64::from(height) * ratio).round() as u32);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "this browser cannot draw on a canvas".to_string())?;
    let area = backend.into_drawing_area();
    chart
        .draw(&area, &theme.scaled(ratio))
        .map_err(|why| why.to_string())?;
    area.present().map_err(|why| why.to_string())
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
