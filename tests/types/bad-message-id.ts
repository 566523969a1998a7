// A misspelled message id in `messages` (the widget would silently keep its own text).
import { mount } from "kyc-upload";

mount(document.body, {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  getToken: () => "token",
  messages: { "submit.buton": "Send" }, // @expect-error TS2353
});
