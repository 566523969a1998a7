//! The message catalog: every text the customer sees, by stable message id,
//! with named placeholders (`{file}`, `{reason}`). English is built in;
//! other locales are flat JSON objects (`www/locales/<tag>.json`) of the same
//! ids, loaded by the browser layer. A message is kept as a [`Text`] (id and
//! arguments) and rendered when shown, so switching language re-renders
//! every notice already on screen.
//!
//! Plural messages have one id per CLDR category, `<base>.one`,
//! `<base>.other` and whatever else a language needs (`.few`, `.many`,
//! `.two`, `.zero`); English defines `one` and `other`, and `Msg` names the
//! `other` form. The category is the browser's (`Intl.PluralRules`), so no
//! plural rule is written here.

macro_rules! catalog {
    ($($(#[doc = $doc:literal])* $name:ident $id:literal => $en:literal,)*) => {
        /// A message id. Its English text and stable string id are in the
        /// catalog below.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Msg {
            $($(#[doc = $doc])* $name,)*
        }

        /// Every message, in catalog order.
        pub const ALL: &[Msg] = &[$(Msg::$name,)*];
        // The ids and the English texts, each list one string, its entries
        // ended by NUL, with the length of each entry: tables of string
        // pointers and lengths would take 16 bytes per message that
        // compress poorly, these take 2 (and a lookup adds lengths rather
        // than scanning the text).
        const IDS: &str = concat!($($id, "\0",)*);
        const ENGLISH: &str = concat!($($en, "\0",)*);
        const ID_LENGTHS: [u8; ALL.len()] = lengths(IDS);
        const ENGLISH_LENGTHS: [u8; ALL.len()] = lengths(ENGLISH);
    };
}

catalog! {
    // The document type.
    DocLabel "doc.label" => "Identity document",
    DocPlaceholder "doc.placeholder" => "Choose a document\u{2026}",
    DocHint "doc.hint" => "Passport, driver's license or resident permit. National ID cards are not accepted.",
    DocPassport "doc.passport" => "Passport",
    DocDriversLicense "doc.drivers_license" => "Driver's License",
    DocResidentPermit "doc.resident_permit" => "Resident Permit",

    // The slots: what to photograph, and how.
    SlotPassportPage "slot.passport_page" => "Passport photo page",
    SlotLicenseFront "slot.license_front" => "Front of your driver's license",
    SlotPermitFront "slot.permit_front" => "Front of your resident permit",
    SlotDocumentFront "slot.document_front" => "Front of your document",
    SlotLicenseBack "slot.license_back" => "Back of your driver's license",
    SlotPermitBack "slot.permit_back" => "Back of your resident permit",
    SlotDocumentBack "slot.document_back" => "Back of your document",
    SlotProofOfAddress "slot.proof_of_address" => "Proof of address",
    SlotSelfie "slot.selfie" => "Selfie",
    HintPassport "hint.passport" => "The page with your photo, open flat: all four corners visible, in focus, no glare.",
    HintCard "hint.card" => "All four corners visible, in focus, no glare.",
    HintProofOfAddress "hint.proof_of_address" => "A bank statement or utility bill from the last 3 months showing your name and address. A photo or a PDF.",
    HintSelfie "hint.selfie" => "Your face, looking at the camera, in good light. A photo or a short video.",
    SlotRequired "slot.required" => "Required",
    SlotOptional "slot.optional" => "Optional",
    ChoosePhoto "choose.photo" => "Choose a photo",
    ChoosePhotoOrPdf "choose.photo_or_pdf" => "Choose a photo or PDF",
    ChoosePhotoOrVideo "choose.photo_or_video" => "Choose a photo or video",
    ChooseReplace "choose.replace" => "Replace file",
    ChooseDrop "choose.drop" => "or drop it here",

    // Guided camera capture.
    CameraTake "camera.take" => "Take a photo",
    CameraTakeSelfie "camera.take_selfie" => "Take a selfie",
    CameraRecord "camera.record" => "Record a video",
    CameraRegion "camera.region" => "Camera: {slot}",
    CameraStarting "camera.starting" => "Starting the camera\u{2026}",
    CameraTooDark "camera.too_dark" => "Too dark: find more light",
    CameraTooBright "camera.too_bright" => "Too bright: move out of direct light",
    CameraGlare "camera.glare" => "Glare: tilt the document away from the light",
    CameraHoldStill "camera.hold_still" => "Hold still: the picture is blurry",
    CameraFitOutline "camera.fit_outline" => "Fit the document to the outline",
    CameraFitOval "camera.fit_oval" => "Fit your face in the oval",
    CameraGood "camera.good" => "Hold it there\u{2026}",
    CameraShutter "camera.shutter" => "Take the photo now",
    CameraCancel "camera.cancel" => "Cancel",
    CameraUse "camera.use" => "Use this photo",
    CameraUseVideo "camera.use_video" => "Use this video",
    CameraRetake "camera.retake" => "Retake",
    CameraCheck "camera.check" => "Check that everything is sharp and readable.",
    CameraTaken "camera.taken" => "Photo taken: {slot}.",
    CameraUnsupported "camera.unsupported" => "This browser can't use the camera here. Choose a file instead.",
    CameraInsecure "camera.insecure" => "The camera only works on a secure (https) page. Choose a file instead.",
    CameraBlocked "camera.blocked" => "This page isn't allowed to use the camera. Choose a file instead.",
    CameraDenied "camera.denied" => "Camera access wasn't allowed. Allow it in your browser's settings and try again, or choose a file.",
    CameraNotFound "camera.not_found" => "No camera was found. Choose a file instead.",
    CameraInUse "camera.in_use" => "The camera is in use by another app or couldn't start. Close that app and try again, or choose a file.",
    CameraEnded "camera.ended" => "The camera stopped. Try again, or choose a file.",
    CameraNoRecorder "camera.no_recorder" => "This browser can't record video here. Choose a photo or a video file instead.",
    VideoStart "video.start" => "Start recording",
    VideoRecording "video.recording" => "Recording\u{2026}",
    VideoLookStraight "video.look_straight" => "Look straight at the camera",
    VideoTurnLeft "video.turn_left" => "Turn your head slowly to the left",
    VideoTurnRight "video.turn_right" => "Now slowly to the right",
    FileRemove "file.remove" => "Remove",
    /// `{size}` is the file's size; `{state}` one of the `state.*` texts.
    FileMeta "file.meta" => "{size} \u{b7} {state}",
    FileUnnamed "file.unnamed" => "(unnamed file)",
    IconPdf "icon.pdf" => "PDF",
    IconVideo "icon.video" => "Video",
    IconFile "icon.file" => "File",
    StateReady "state.ready" => "Ready",
    StateChecking "state.checking" => "Checking the photo\u{2026}",
    /// `{percent}` is a formatted percentage ("45%").
    StateUploading "state.uploading" => "Uploading\u{2026} {percent}",
    StateUploaded "state.uploaded" => "Uploaded",
    StateAttention "state.attention" => "Needs attention",
    /// `{from}` and `{to}` are pixel sizes (4000×3000), `{size}` the new file size.
    NoteResized "note.resized" => "Resized from {from} to {to} ({size}) for upload.",
    NoteUploadedEarlier "note.uploaded_earlier" => "Uploaded earlier: no need to choose it again.",

    // Problems with a chosen file or the form.
    ProblemEmptyFile "problem.empty_file" => "This file is empty (0 bytes). Choose the file again or take a new photo.",
    ProblemTooLarge "problem.file_too_large" => "This file is {size}; the limit is {max}. Choose a smaller file.",
    ProblemPhotoTooLarge "problem.photo_too_large" => "This photo is {size} and couldn't be made smaller than {max} here. Take it again at a lower resolution.",
    ProblemUnsupported "problem.unsupported_file_type" => "This file is not a photo or document we can read, whatever its name says. Use a JPEG, PNG, WebP or HEIC photo, or a PDF for proof of address.",
    /// `{kind}` is a file format's name: PDF, JPEG, MP4.
    ProblemNotAllowedDocument "problem.not_allowed_document" => "{kind} files can't be used here: take a photo of the document (JPEG, PNG, WebP or HEIC).",
    ProblemNotAllowedProof "problem.not_allowed_proof" => "{kind} files can't be used as proof of address: use a photo or a PDF.",
    ProblemNotAllowedSelfie "problem.not_allowed_selfie" => "{kind} files can't be used for the selfie: use a photo or a short video.",
    /// `{file}` is the other slot's name.
    ProblemDuplicate "problem.duplicate" => "This is the same file as \u{201c}{file}\u{201d}. Choose a different file for each part.",
    RequiredPassport "required.passport" => "Add a photo of your passport's photo page.",
    RequiredLicenseFront "required.license_front" => "Add a photo of the front of your driver's license.",
    RequiredPermitFront "required.permit_front" => "Add a photo of the front of your resident permit.",
    RequiredDocument "required.document" => "Add a photo of your document.",
    RequiredLicenseBack "required.license_back" => "Add a photo of the back of your driver's license: it has two sides.",
    RequiredPermitBack "required.permit_back" => "Add a photo of the back of your resident permit: it has two sides.",
    RequiredProofOfAddress "required.proof_of_address" => "Add a proof of address (a recent utility bill or bank statement).",
    RequiredSelfie "required.selfie" => "Add a selfie for the liveness check.",
    ProblemDocumentType "problem.document_type_required" => "Choose your document type: passport, driver's license or resident permit.",
    ProblemNationalId "problem.national_id" => "National ID cards are not accepted. Use a passport, driver's license or resident permit.",
    /// The English "one" form of `summary.files`; `{names}` lists the slots.
    SummaryFilesOne "summary.files.one" => "One file needs your attention before submitting: {names}.",
    /// `{count}` files; `{names}` lists the slots.
    SummaryFiles "summary.files.other" => "{count} files need your attention before submitting: {names}.",
    /// Between the names of a list.
    ListSeparator "list.separator" => ", ",
    /// Two sentences one after the other (advice on a photo with two problems).
    Sentences "join.sentences" => "{first} {second}",

    // The photo check.
    QualityTooSmall "quality.too_small" => "The photo is too small to read: retake it with the document filling the frame, or choose the original photo rather than a screenshot.",
    QualityBlurry "quality.blurry" => "The photo is blurry: hold the phone steady, let it focus, and retake it.",
    QualityTooDark "quality.too_dark" => "The photo is too dark: move somewhere brighter or turn on a light, and retake it.",
    QualityOverexposed "quality.overexposed" => "The photo is washed out: avoid direct light and the flash, and retake it.",
    QualityGlare "quality.glare" => "Light is reflecting off the document: tilt it or move away from the lamp or window so no bright spot covers it, and retake it.",
    QualityUnreadable "quality.unreadable" => "This file can't be opened as a photo; it may be damaged or incomplete. Choose it again or retake the photo.",
    QualityHeic "quality.heic" => "This browser can't read HEIC photos. Choose a JPEG or PNG, or set your camera to \u{201c}Most compatible\u{201d}.",
    QualityNotAPhoto "quality.not_a_photo" => "This file isn't a photo this browser can read. Choose a JPEG or PNG photo.",
    QualityEmpty "quality.empty_file" => "This file is empty: choose the photo again.",
    QualityUnavailable "quality.unavailable" => "This browser can't check the photo before upload; it will be reviewed after upload.",

    // The submit button and the form's messages.
    SubmitButton "submit.button" => "Submit documents",
    SubmitBusy "submit.busy" => "Uploading\u{2026}",
    SubmitCheckAgain "submit.check_again" => "Check again",
    FormChecking "form.checking" => "Checking your photos\u{2026} the upload starts as soon as they pass.",
    FormWelcomeBack "form.welcome_back" => "Welcome back: the files you already uploaded are kept. Add any that are missing and submit.",
    FormInterrupted "form.interrupted" => "A file changed, so the upload stopped and nothing was sent for verification. Check your files and submit again.",
    FormNotSubmitted "form.not_submitted" => "Your documents have not been submitted for verification yet. Submit them when you are ready.",
    /// `{reason}` is one of the `reason.*` texts.
    FormLoadFailed "form.load_failed" => "We couldn't load your verification details: {reason}. Reload the page to try again.",
    FormSettling "form.settling" => "Checking whether your documents reached us\u{2026}",
    RefusalTitle "refusal.title" => "We can't continue here",
    BusinessTitle "business.title" => "Business accounts are verified differently",
    BusinessText "business.text" => "This upload is for individual customers. Business customers are verified through the KYB (Know Your Business) flow: please use that instead.",
    BusinessLink "business.link" => "Go to business verification",

    // How a submission ended, when it did not end well.
    /// `{reason}` is one of the `reason.*` texts.
    OutcomeNotStarted "outcome.not_started" => "Your documents could not be submitted: {reason}. We checked: verification has not started. Submit again when you are ready; files already uploaded won't be sent twice.",
    OutcomeUnconfirmed "outcome.unconfirmed" => "We sent your documents but could not confirm that they arrived ({reason}). Press \u{201c}Check again\u{201d}: it is safe, your documents will not be submitted twice.",
    OutcomeStopped "outcome.stopped" => "Your documents could not be submitted: {reason}. Nothing was sent for verification. Check your connection and submit again; files already uploaded won't be sent twice.",
    /// `{file}` is the slot's name.
    OutcomeStoppedFile "outcome.stopped_file" => "\u{201c}{file}\u{201d} could not be uploaded: {reason}. Nothing was sent for verification. Check your connection and submit again; files already uploaded won't be sent twice.",
    OutcomeFileNotice "outcome.file_notice" => "This file could not be uploaded: {reason}. Submit again to retry it.",
    OutcomeFileRefused "outcome.file_refused" => "The \u{201c}{file}\u{201d} file uploaded earlier is no longer available. Please choose it again.",
    OutcomeRetrying "outcome.retrying" => "Trying again: {reason}\u{2026}",

    // Why a request failed, as the end of a sentence.
    ReasonBusy "reason.busy" => "the service is busy",
    ReasonServerError "reason.server_error" => "the service had a temporary problem",
    ReasonTimeout "reason.timeout" => "the service took too long to answer",
    ReasonStalled "reason.stalled" => "the upload stalled with no progress",
    ReasonToken "reason.token" => "this page could not get an access token",
    ReasonConnection "reason.connection" => "the connection kept failing",
    ReasonLinkExpired "reason.link_expired" => "the upload link kept expiring",
    ReasonUnauthorized "reason.unauthorized" => "the service did not accept this page's access token",
    /// `{code}` is the service's error code.
    ReasonRefused "reason.refused" => "the service refused it ({code})",
    /// `{status}` is an HTTP status code.
    ReasonHttp "reason.http" => "the server answered HTTP {status}",
    ReasonUnexpected "reason.unexpected" => "the service sent an answer this page does not understand",
    /// The service's own words (not translated: they come from the server).
    ReasonGiven "reason.given" => "{message}",

    // The verification status panel.
    StatusNotStartedTitle "status.not_started.title" => "Not submitted yet",
    StatusNotStarted "status.not_started.text" => "Upload your documents to start verification.",
    StatusPendingTitle "status.pending.title" => "Verification in progress",
    /// `{submitted}` and `{by}` are dates with times; `{max}` is a duration ("2 hours").
    StatusPending "status.pending.text" => "Submitted {submitted}. It usually takes a few minutes and at most {max}, so expect an answer by {by}. You can close this page: the review goes on without it.",
    StatusLong "status.long.text" => "This is taking longer than usual, but no action is needed yet. If there is no answer by {by}, contact our operations team. You can close this page.",
    StatusOverdueTitle "status.overdue.title" => "Verification is taking too long",
    /// `{hours}` is a duration ("5 hours").
    StatusOverdue "status.overdue.text" => "Submitted {submitted}, more than {hours} ago. Please contact our operations team: they can see your documents and tell you what is holding them up.",
    StatusVerifiedTitle "status.verified.title" => "Identity verified",
    StatusVerified "status.verified.text" => "Your documents were accepted. You're all set.",
    StatusRejectedTitle "status.rejected.title" => "We couldn't verify your documents",
    StatusRejected "status.rejected.text" => "Your documents were not accepted. Start again with new photos of your documents.",
    /// `{reason}` is the platform's reason (not translated).
    StatusRejectedReason "status.rejected.reason" => "Reason: {reason}. Start again with new photos of your documents.",
    StatusSupport "status.support" => "Contact the operations team",
    StatusContinue "status.continue" => "Continue",
    StatusRestart "status.restart" => "Start again with new documents",

    // For screen readers (the live region).
    LiveUploading "live.uploading" => "Uploading your documents\u{2026}",
    LiveSubmitted "live.submitted" => "Your documents were submitted for verification.",
    LiveRestart "live.restart" => "Start again: choose your document type and new photos.",
    /// `{file}` is the slot's name, `{state}` what happened to it.
    LiveSlot "live.slot" => "{file}: {state}",
    LiveFileUploading "live.file_uploading" => "uploading",
    LiveHalfway "live.halfway" => "halfway",
    LiveFileUploaded "live.file_uploaded" => "uploaded",
}

/// The length of each entry of a NUL-ended list, worked out when
/// compiling: a list of other than `N` entries, or with an entry of 256
/// bytes or more, does not build.
const fn lengths<const N: usize>(list: &str) -> [u8; N] {
    let bytes = list.as_bytes();
    let mut lengths = [0; N];
    let (mut at, mut entry, mut start) = (0, 0, 0);
    while at < bytes.len() {
        if bytes[at] == 0 {
            assert!(entry < N, "the list has more entries than messages");
            assert!(at - start < 256, "an entry is too long for a u8 length");
            lengths[entry] = (at - start) as u8;
            entry += 1;
            start = at + 1;
        }
        at += 1;
    }
    assert!(entry == N, "the list has fewer entries than messages");
    lengths
}

/// The `index`th entry of a NUL-ended list whose entries have `lengths`.
fn entry(list: &'static str, lengths: &[u8], index: usize) -> &'static str {
    let start: usize = lengths[..index].iter().map(|length| usize::from(*length) + 1).sum();
    list.get(start..start + usize::from(lengths[index])).unwrap_or_default()
}

impl Msg {
    /// The stable id (`problem.empty_file`), as in the locale files and the
    /// `messages` option.
    pub fn id(self) -> &'static str {
        entry(IDS, &ID_LENGTHS, self as usize)
    }

    /// The English text.
    pub fn english(self) -> &'static str {
        entry(ENGLISH, &ENGLISH_LENGTHS, self as usize)
    }

    /// The message with this id.
    pub fn from_id(id: &str) -> Option<Msg> {
        IDS.split('\0').zip(ALL).find_map(|(known, msg)| (known == id).then_some(*msg))
    }

    /// For a plural message (`…​.other`), its base id (`summary.files`).
    pub fn plural_base(self) -> Option<&'static str> {
        self.id().strip_suffix(".other")
    }

    /// A text of this message with no arguments.
    pub fn text(self) -> Text {
        Text { msg: self, args: Vec::new() }
    }

    /// A text of this message with one argument.
    pub fn with(self, name: &'static str, value: impl Into<Arg>) -> Text {
        self.text().and(name, value)
    }
}

/// A value for a placeholder. Numbers, sizes and dates are formatted in the
/// customer's language when the text is rendered.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Text shown as it is (a file name, the server's words).
    Plain(String),
    /// Another message (a slot's name, a reason).
    Text(Text),
    /// A count: formatted, and the plural category of the message.
    Count(u64),
    /// A file size in bytes.
    Bytes(u64),
    /// A whole percentage, 0 to 100.
    Percent(u8),
    /// A duration in hours ("2 hours").
    Hours(u8),
    /// An instant (ms since the epoch): a local date and time with its zone.
    Time(f64),
    /// Values joined by the locale's `list.separator`.
    List(Vec<Arg>),
}

impl From<Text> for Arg {
    fn from(text: Text) -> Arg {
        Arg::Text(text)
    }
}

impl From<Msg> for Arg {
    fn from(msg: Msg) -> Arg {
        Arg::Text(msg.text())
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Plain(text)
    }
}

/// A message and the values of its placeholders: what the customer will
/// read, before it is put into words.
#[derive(Clone, Debug, PartialEq)]
pub struct Text {
    /// The message.
    pub msg: Msg,
    /// Placeholder name and value.
    pub args: Vec<(&'static str, Arg)>,
}

impl Text {
    /// This text with one more argument.
    pub fn and(mut self, name: &'static str, value: impl Into<Arg>) -> Text {
        self.args.push((name, value.into()));
        self
    }
}

impl From<Msg> for Text {
    fn from(msg: Msg) -> Text {
        msg.text()
    }
}

/// What only the browser knows how to do in a language: numbers, sizes,
/// dates and plural categories (`Intl`, in the browser layer).
pub trait Formats {
    /// A count ("1,234").
    fn count(&self, n: u64) -> String;
    /// A file size ("34.5 kB").
    fn bytes(&self, bytes: u64) -> String;
    /// A percentage ("45%").
    fn percent(&self, percent: u8) -> String;
    /// A duration in hours ("2 hours").
    fn hours(&self, hours: u8) -> String;
    /// A local date and time with its zone.
    fn time(&self, ms: f64) -> String;
    /// The CLDR plural category of a count (`one`, `few`, `other`, ...).
    fn plural(&self, n: u64) -> String;
}

/// The texts of one locale: its file's entries over English, and the
/// host's overrides over both.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    /// By message, in catalog order; `None` is English.
    texts: Vec<Option<String>>,
    /// Plural forms English has no message for (`summary.files.few`).
    forms: Vec<(String, String)>,
}

impl Catalog {
    /// A catalog of `entries` (message id to text) over English. Entries
    /// whose id is unknown are kept: they may be plural forms English does
    /// not have (`summary.files.few`).
    pub fn new(entries: &[(String, String)]) -> Catalog {
        let mut catalog = Catalog { texts: vec![None; ALL.len()], forms: Vec::new() };
        catalog.extend(entries);
        catalog
    }

    fn extend(&mut self, entries: &[(String, String)]) {
        self.texts.resize(ALL.len(), None);
        for (id, text) in entries {
            match Msg::from_id(id) {
                Some(msg) => self.texts[msg as usize] = Some(text.clone()),
                None => self.forms.push((id.clone(), text.clone())),
            }
        }
    }

    /// This catalog with `entries` laid over it.
    pub fn overlaid(&self, entries: &[(String, String)]) -> Catalog {
        let mut catalog = self.clone();
        catalog.extend(entries);
        catalog
    }

    /// The locale's own text of `msg`, if it has one.
    fn own(&self, msg: Msg) -> Option<&str> {
        self.texts.get(msg as usize)?.as_deref()
    }

    /// The text of `msg`: the locale's, else English.
    pub fn get(&self, msg: Msg) -> &str {
        self.own(msg).unwrap_or_else(|| msg.english())
    }

    /// The form of plural `msg` for `category`: the locale's form for the
    /// category, else (for a locale without its own forms) English's form
    /// for it, else the `other` form.
    fn plural(&self, msg: Msg, base: &str, category: &str) -> &str {
        let id = [base, ".", category].concat();
        let english_form = Msg::from_id(&id);
        let own_form = match english_form {
            Some(form) => self.own(form),
            None => self.forms.iter().rev().find(|(known, _)| *known == id).map(|(_, text)| text.as_str()),
        };
        match (own_form, english_form) {
            (Some(text), _) => text,
            (None, Some(english)) if self.own(msg).is_none() => english.english(),
            _ => self.get(msg),
        }
    }

    /// `text` in words: its message with every placeholder replaced.
    pub fn render(&self, text: &Text, formats: &dyn Formats) -> String {
        let count = text.args.iter().find_map(|(_, arg)| match arg {
            Arg::Count(n) => Some(*n),
            _ => None,
        });
        let template = match (text.msg.plural_base(), count) {
            (Some(base), Some(n)) => self.plural(text.msg, base, &formats.plural(n)),
            _ => self.get(text.msg),
        };
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                let name = &after[..close];
                let (_, arg) = text.args.iter().find(|(n, _)| *n == name)?;
                Some((close, self.argument(arg, formats)))
            });
            match value {
                Some((close, value)) => {
                    out.push_str(&value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn argument(&self, arg: &Arg, formats: &dyn Formats) -> String {
        match arg {
            Arg::Plain(text) => text.clone(),
            Arg::Text(text) => self.render(text, formats),
            Arg::Count(n) => formats.count(*n),
            Arg::Bytes(n) => formats.bytes(*n),
            Arg::Percent(p) => formats.percent(*p),
            Arg::Hours(h) => formats.hours(*h),
            Arg::Time(ms) => formats.time(*ms),
            Arg::List(items) => items.iter().enumerate().fold(String::new(), |mut list, (i, item)| {
                if i > 0 {
                    list.push_str(self.get(Msg::ListSeparator));
                }
                list + &self.argument(item, formats)
            }),
        }
    }
}

/// The placeholders of a message text, in order (`{file}` gives `file`).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        match rest.find('}') {
            Some(close) => {
                names.push(&rest[..close]);
                rest = &rest[close + 1..];
            }
            None => break,
        }
    }
    names
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Plain English formatting, for tests: the browser's `Intl` does this
    /// in the widget.
    pub struct Plain;

    impl Formats for Plain {
        fn count(&self, n: u64) -> String {
            n.to_string()
        }
        fn bytes(&self, bytes: u64) -> String {
            format!("{bytes} B")
        }
        fn percent(&self, percent: u8) -> String {
            format!("{percent}%")
        }
        fn hours(&self, hours: u8) -> String {
            format!("{hours} hours")
        }
        fn time(&self, ms: f64) -> String {
            format!("t+{}m", (ms / 60_000.0) as i64)
        }
        fn plural(&self, n: u64) -> String {
            if n == 1 { "one" } else { "other" }.into()
        }
    }

    #[test]
    fn each_message_has_one_id_and_one_english_text() {
        // A NUL inside a text would shift every later message onto its
        // neighbour's text (and fail the build, `lengths` counting one
        // entry too many).
        assert_eq!(IDS.split('\0').count(), ALL.len() + 1);
        assert_eq!(ENGLISH.split('\0').count(), ALL.len() + 1);
        // Each message's entry is its own, whole.
        assert_eq!(ALL.iter().map(|msg| format!("{}\0", msg.id())).collect::<String>(), IDS);
        assert_eq!(ALL.iter().map(|msg| format!("{}\0", msg.english())).collect::<String>(), ENGLISH);
        assert_eq!((Msg::DocLabel.id(), Msg::DocLabel.english()), ("doc.label", "Identity document"));
        assert_eq!((Msg::LiveFileUploaded.id(), Msg::LiveFileUploaded.english()), ("live.file_uploaded", "uploaded"));
        assert_eq!(Msg::from_id("live.file_uploadedx"), None);
        assert_eq!(Msg::from_id(""), None);
    }

    #[test]
    fn ids_are_unique_and_lookups_round_trip() {
        for (i, msg) in ALL.iter().enumerate() {
            assert_eq!(*msg as usize, i);
            assert_eq!(Msg::from_id(msg.id()), Some(*msg), "{}", msg.id());
        }
        let mut ids: Vec<&str> = ALL.iter().map(|msg| msg.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), ALL.len(), "a message id is used twice");
    }

    #[test]
    fn placeholders_are_filled_and_nested() {
        let english = Catalog::default();
        let text = Msg::OutcomeStoppedFile.with("file", Msg::SlotSelfie).and("reason", Msg::ReasonTimeout);
        assert_eq!(
            english.render(&text, &Plain),
            "\u{201c}Selfie\u{201d} could not be uploaded: the service took too long to answer. Nothing was sent for verification. \
             Check your connection and submit again; files already uploaded won't be sent twice."
        );
        let size = Msg::ProblemTooLarge.with("size", Arg::Bytes(11)).and("max", Arg::Bytes(10));
        assert_eq!(english.render(&size, &Plain), "This file is 11 B; the limit is 10 B. Choose a smaller file.");
        // A placeholder without a value stays visible rather than vanishing.
        assert_eq!(english.render(&Msg::LiveSlot.with("file", "a".to_string()), &Plain), "a: {state}");
    }

    #[test]
    fn plurals_follow_the_category_with_fallbacks() {
        let english = Catalog::default();
        let one = Msg::SummaryFiles.with("count", Arg::Count(1)).and("names", "Selfie".to_string());
        assert_eq!(english.render(&one, &Plain), "One file needs your attention before submitting: Selfie.");
        let two = Msg::SummaryFiles.with("count", Arg::Count(2)).and("names", "A, B".to_string());
        assert_eq!(english.render(&two, &Plain), "2 files need your attention before submitting: A, B.");
        // A locale with only `other` uses it for every count (not English's `one`).
        let only_other = Catalog::new(&[("summary.files.other".to_string(), "{count} x: {names}".to_string())]);
        assert_eq!(only_other.render(&one, &Plain), "1 x: Selfie");
    }

    #[test]
    fn overrides_replace_only_what_they_name() {
        let spanish = Catalog::new(&[("submit.button".to_string(), "Enviar documentos".to_string())]);
        let custom = spanish.overlaid(&[("submit.busy".to_string(), "Subiendo".to_string())]);
        assert_eq!(custom.get(Msg::SubmitButton), "Enviar documentos");
        assert_eq!(custom.get(Msg::SubmitBusy), "Subiendo");
        assert_eq!(custom.get(Msg::SubmitCheckAgain), "Check again");
    }

    #[test]
    fn placeholders_are_listed_in_order() {
        assert_eq!(placeholders(Msg::StatusPending.english()), ["submitted", "max", "by"]);
        assert!(placeholders(Msg::SubmitButton.english()).is_empty());
    }
}
