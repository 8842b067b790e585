//! Small components, each reading what it needs from the context.

mod data_summary;
mod drop_zone;
mod error_banner;
mod prepare_panel;
mod progress_bar;
mod results_table;
mod train_panel;
mod vocabulary_table;
mod warning_list;

pub use data_summary::DataSummary;
pub use drop_zone::DropZone;
pub use error_banner::ErrorBanner;
pub use prepare_panel::PreparePanel;
pub use progress_bar::ProgressBar;
pub use results_table::ResultsTable;
pub use train_panel::TrainPanel;
pub use vocabulary_table::VocabularyTable;
pub use warning_list::WarningList;
