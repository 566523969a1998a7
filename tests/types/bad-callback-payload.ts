// onSubmitted's payload has no `fileIds` (the ids are under `files`).
import type { KycUploadOptions } from "kyc-upload";

export const options: KycUploadOptions = {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  getToken: () => "token",
  onSubmitted: (e) => console.log(e.fileIds), // @expect-error TS2551
};
