// setStatus takes "verified", "rejected" or "pending" only.
import { mount } from "kyc-upload";

const widget = mount(document.body, { apiBase: "https://api.example.com/v1", customerId: "cus_123", getToken: () => "token" });
widget.setStatus("approved"); // @expect-error TS2345
