//! A setting orgdesk cannot start with: which variable, and why. Its own module, so the parsers of
//! each group of settings (`config`, `identity`, `limits`) depend on it and not on one another.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration error in {variable}: {message}")]
pub struct ConfigError {
    pub variable: String,
    pub message: String,
}

/// The error for `variable`, saying what is wrong with its value.
pub fn invalid(variable: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_string(),
        message: message.into(),
    }
}
