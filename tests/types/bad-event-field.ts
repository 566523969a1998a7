// A misspelled field of the kyc-progress event's detail.
import "kyc-upload/element";

const el = document.querySelector("kyc-upload")!;
el.addEventListener("kyc-progress", (e) => {
  console.log(e.detail.persent); // @expect-error TS2551
});
