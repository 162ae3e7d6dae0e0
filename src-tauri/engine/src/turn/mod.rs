//! Turns: session actors (one per active session: its run slot and queue), runs, the writer
//! (the only place a frame gets its seq), subscriptions, start-up repair, titles, and the
//! folding of frames into messages.

pub mod actor;
pub mod assemble;
pub mod context;
pub mod mailbox;
pub mod pairs;
pub mod repair;
pub mod run;
pub mod subscribe;
pub mod title;
pub mod writer;
