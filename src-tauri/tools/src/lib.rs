//! Built-in agent tools.
