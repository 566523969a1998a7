//! The widget's Yew components.

mod file_slot;
mod form;
mod status_panel;

pub use file_slot::FileSlot;
pub use form::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
pub use status_panel::{status_panel, use_status_timer, StatusPanel};
