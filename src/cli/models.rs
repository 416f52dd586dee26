//! `--models`: models by name, and the named sets of them.

use std::fmt;

use crate::restaurant::{Model, ModelSet};

/// One item of `--models`: a model, or a named set of models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelChoice {
    /// One model, named on its own.
    One(Model),
    /// A named set, such as `all`.
    Set(ModelSet),
}

impl fmt::Display for ModelChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelChoice::One(model) => f.write_str(model.name()),
            ModelChoice::Set(set) => f.write_str(set.name()),
        }
    }
}

/// Reads one item of `--models`.
pub fn parse_model_choice(text: &str) -> Result<ModelChoice, String> {
    let text = text.trim();
    if let Some(&model) = Model::ALL.iter().find(|m| m.name() == text) {
        return Ok(ModelChoice::One(model));
    }
    if let Some(&set) = ModelSet::EVERY.iter().find(|s| s.name() == text) {
        return Ok(ModelChoice::Set(set));
    }
    let models: Vec<&str> = Model::ALL.iter().map(|m| m.name()).collect();
    let sets: Vec<&str> = ModelSet::EVERY.iter().map(|s| s.name()).collect();
    Err(format!(
        "'{}' is neither a model ({}) nor a set of them ({})",
        text.escape_debug(),
        models.join(", "),
        sets.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_and_sets_are_read_by_name() {
        assert_eq!(
            parse_model_choice("async-offload"),
            Ok(ModelChoice::One(Model::AsyncOffload))
        );
        assert_eq!(
            parse_model_choice("lesson-blocking"),
            Ok(ModelChoice::Set(ModelSet::LessonBlocking))
        );
        let refused = parse_model_choice("asyncio").unwrap_err();
        assert!(
            refused.starts_with("'asyncio' is neither a model (sync, threads"),
            "{refused}"
        );
        assert!(
            refused.ends_with("(article, lesson-blocking, all)"),
            "{refused}"
        );
    }
}
