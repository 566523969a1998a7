// "webcam" is not a capture mode.
import { mount } from "kyc-upload";

mount(document.body, {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  getToken: () => "token",
  capture: "webcam", // @expect-error TS2322
});
