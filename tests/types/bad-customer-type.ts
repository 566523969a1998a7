// "company" is not a customer type.
import { mount } from "kyc-upload";

mount(document.body, {
  apiBase: "https://api.example.com/v1",
  customerId: "cus_123",
  getToken: () => "token",
  customerType: "company", // @expect-error TS2322
});
