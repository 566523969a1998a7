//! Image-quality metrics and verdicts for document photos (placeholder).
