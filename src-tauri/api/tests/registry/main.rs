//! The list of operations (`hearth_api::ops`) against what is built from it: the generated
//! files, and the HTTP router on a real loopback server.

mod generated;
mod routes;
mod runtime;
