//! Small components, each reading what it needs from the context.

mod chart_sections;
pub mod chart_view;
mod data_summary;
mod drop_zone;
mod error_banner;
mod explain_panel;
mod export_panel;
mod measured_canvas;
pub mod number_field;
mod predict_panel;
mod prepare_panel;
mod progress_bar;
pub mod results_table;
mod review_panel;
mod tabs;
mod train_panel;
mod vocabulary_table;
mod warning_list;

pub use chart_sections::{ResultsCharts, VocabularyCharts};
pub use data_summary::DataSummary;
pub use drop_zone::DropZone;
pub use error_banner::ErrorBanner;
pub use export_panel::ExportPanel;
pub use predict_panel::PredictPanel;
pub use prepare_panel::PreparePanel;
pub use progress_bar::ProgressBar;
pub use results_table::ResultsTable;
pub use review_panel::ReviewPanel;
pub use tabs::{TabBar, TabPanel};
pub use train_panel::TrainPanel;
pub use vocabulary_table::VocabularyTable;
pub use warning_list::WarningList;
