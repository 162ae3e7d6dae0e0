// What to do about an error, by its code: shown under a failed run's message and under an
// account's error in Settings. Pure, so it is tested without rendering.
import type { ErrorCode } from "./bindings/ErrorCode";
import type { UiError } from "./api";

const HINTS: Partial<Record<ErrorCode, string>> = {
  AUTH_FAILED: "Check the API key in Settings → Model accounts (Replace key).",
  BILLING: "The provider's account needs billing attention (credits or a payment method).",
  INVALID_REQUEST: "The provider refused the request; the message above says why.",
  RATE_LIMITED: "The provider is rate limiting. Wait a moment, then Retry.",
  PROVIDER_UNAVAILABLE: "The provider is down or overloaded. Retry in a little while.",
  NETWORK: "Hearth could not reach the provider: check the base URL and that the server is running.",
  MODEL_NOT_FOUND: "This model is not available on that account: pick another in the chat header.",
  NO_MODEL: "Add a model account in Settings (the gear at the bottom of the sidebar).",
  TOOL_CALL_TRUNCATED: "Ask for less at once, or raise the model's output limit.",
  STREAM_INTERRUPTED: "The connection broke mid-reply. Retry.",
};

/** A sentence on what to do next, or null when the message says all there is to say. */
export function hintFor(code: ErrorCode): string | null {
  return HINTS[code] ?? null;
}

/** The hint for an error as the UI holds it ("UNKNOWN" has none). */
export function hintForError(error: Pick<UiError, "code">): string | null {
  return error.code === "UNKNOWN" ? null : hintFor(error.code);
}
