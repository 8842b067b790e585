//! The questions about models that the worker answers at once, between two steps of whatever
//! task runs, without disturbing it: Predict, Explain, SaveModels, ImportModel, ClearImported.

use perfspec::dataset::split_windows_seeded;
use perfspec::models::model_file;
use perfspec::models::model_file::ModelFile;
use perfspec::predict::{explain_test_event, predict_named};

use super::EngineWorker;
use crate::protocol::{ImportedModel, ModelPrediction, ModelSource, Response, SavedModel};

impl EngineWorker {
    pub(crate) fn predict(&self, context: &[String], k: usize) -> Response {
        let shared = self.shared.borrow();
        let names: Vec<&str> = context.iter().map(String::as_str).collect();
        let mut answers = Vec::new();
        if let Some(trained) = &shared.trained {
            for model in &trained.models {
                answers.push(ModelPrediction {
                    model: model.kind().name().into(),
                    approach: model.kind().approach().into(),
                    window: model.window(),
                    source: ModelSource::Trained,
                    prediction: predict_named(model.as_ref(), &trained.data.vocabulary, &names, k),
                });
            }
        }
        for (info, loaded) in &shared.imported {
            answers.push(ModelPrediction {
                model: info.model.clone(),
                approach: info.approach.clone(),
                window: info.window,
                source: ModelSource::Imported(info.file.clone()),
                prediction: predict_named(loaded.model.as_ref(), &loaded.vocabulary, &names, k),
            });
        }
        Response::Predictions(answers)
    }

    pub(crate) fn explain(&self, row: usize, index: usize, k: usize) -> Response {
        let shared = self.shared.borrow();
        let explanation = shared.trained.as_ref().and_then(|trained| {
            let model = trained.models.get(row)?;
            let config = &trained.config;
            let split =
                split_windows_seeded(&trained.data, model.window(), config.split, config.seed);
            explain_test_event(
                model.as_ref(),
                &trained.data.vocabulary,
                &split.test,
                index,
                k,
            )
        });
        Response::Explanation(explanation.map(Box::new))
    }

    pub(crate) fn save_models(&self) -> Response {
        let shared = self.shared.borrow();
        let Some(trained) = &shared.trained else {
            return Response::Failed("train a model before saving it".into());
        };
        Response::Models(
            trained
                .models
                .iter()
                .map(|model| SavedModel {
                    file_name: ModelFile::file_name(model.kind(), model.window()),
                    text: ModelFile::new(
                        model.as_ref(),
                        &trained.data.vocabulary,
                        &trained.options,
                    )
                    .to_json(),
                })
                .collect(),
        )
    }

    pub(crate) fn import_model(&self, file: String, text: &str) -> Response {
        match model_file::load(text) {
            Ok(loaded) => {
                let info = ImportedModel {
                    file,
                    model: loaded.kind().name().into(),
                    approach: loaded.kind().approach().into(),
                    window: loaded.window,
                    types: loaded.vocabulary.len(),
                };
                let mut shared = self.shared.borrow_mut();
                // A file of the same name replaces the one read before.
                shared.imported.retain(|(known, _)| known.file != info.file);
                shared.imported.push((info, loaded));
                Response::Imported(
                    shared
                        .imported
                        .iter()
                        .map(|(info, _)| info.clone())
                        .collect(),
                )
            }
            Err(error) => Response::ImportFailed {
                file,
                why: error.to_string(),
            },
        }
    }

    /// Forgets the imported models.
    pub(crate) fn clear_imported(&self) -> Response {
        self.shared.borrow_mut().imported.clear();
        Response::Imported(Vec::new())
    }
}
