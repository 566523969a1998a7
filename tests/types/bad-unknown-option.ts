// An option the widget does not know (it would throw invalid_option at run time).
import { mount } from "kyc-upload";

mount(document.body, {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  getToken: () => "token",
  theme: "dark", // @expect-error TS2353
});
