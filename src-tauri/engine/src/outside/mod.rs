//! What reaches a chat from outside its own turns: the inbox and webhooks, schedules, and the
//! background services (the scheduler, the sweep, activity for the tray, health checks).

pub mod background;
pub mod hook_auth;
pub mod hooks;
pub mod inbox;
pub mod scheduler;
pub mod schedules;
