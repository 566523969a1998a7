//! The widget's Yew components.

mod camera_view;
mod file_slot;
mod form;
mod status_panel;

pub use camera_view::CameraView;
pub use file_slot::{CameraSlot, FileSlot};
pub use form::{KycUpload, KycUploadProps, ProgressInfo, SubmittedInfo, WidgetError};
pub use status_panel::{status_panel, use_status_timer, StatusPanel};
