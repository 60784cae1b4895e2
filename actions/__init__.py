"""Custom actions of the assistant; rasa-sdk imports every module in this package."""
