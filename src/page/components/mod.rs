//! Small components, each reading what it needs from the context.

mod chart_sections;
// `app.rs` makes the charts' fonts ready at start-up (`chart_view::prepare_fonts`).
pub(crate) mod chart_view;
mod data_summary;
mod drop_zone;
mod error_banner;
mod explain_panel;
mod export_panel;
mod measured_canvas;
mod number_field;
mod predict_panel;
mod prepare_panel;
mod progress_bar;
mod replay_charts;
mod replay_form;
mod replay_panel;
mod replay_table;
mod results_table;
mod review_panel;
mod tabs;
mod train_panel;
mod vocabulary_table;
mod warning_list;

// The sections `app.rs` lays out; the other components are parts of these.
pub(crate) use chart_sections::{ResultsCharts, VocabularyCharts};
pub(crate) use data_summary::DataSummary;
pub(crate) use drop_zone::DropZone;
pub(crate) use error_banner::ErrorBanner;
pub(crate) use export_panel::ExportPanel;
pub(crate) use predict_panel::PredictPanel;
pub(crate) use prepare_panel::PreparePanel;
pub(crate) use progress_bar::ProgressBar;
pub(crate) use replay_panel::ReplayPanel;
pub(crate) use results_table::ResultsTable;
pub(crate) use review_panel::ReviewPanel;
pub(crate) use tabs::{TabBar, TabPanel};
pub(crate) use train_panel::TrainPanel;
pub(crate) use vocabulary_table::VocabularyTable;
