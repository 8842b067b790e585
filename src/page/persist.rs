//! Settings that outlive the tab: the run configuration in localStorage. Only settings are kept,
//! never data from the logs.

use perfspec::run_config::RunConfig;

const KEY: &str = "perfspec-learn.settings";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The settings saved by an earlier visit, if any are stored and still valid.
pub(crate) fn load() -> Option<RunConfig> {
    let text = storage()?.get_item(KEY).ok().flatten()?;
    RunConfig::from_json(&text).ok()
}

/// Keeps `config` for the next visit; a browser that refuses storage (private mode, quota)
/// simply forgets.
pub(crate) fn save(config: &RunConfig) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(KEY, &config.to_json());
    }
}
