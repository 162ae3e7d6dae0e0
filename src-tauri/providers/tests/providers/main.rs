//! The providers' integration tests: real recorded provider streams
//! (../shared/conformance/streams, skipped with a note when absent) and written transcripts,
//! through the same SSE parser and protocol state machines the app uses.

mod conformance;
mod limits;
