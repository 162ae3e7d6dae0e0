//! The TypeScript types the webview uses, generated from these Rust types by ts-rs into
//! `ui/src/bindings/`. `cargo run -p hearth-engine --bin gen-bindings` rewrites them; the test
//! `generated_bindings_are_fresh` fails when the committed files differ from what Rust says.

use std::path::Path;

use ts_rs::{Config, TS};

use crate::chat::{
    ContentBlock, History, Message, MessageSource, MessageStatus, ModelInfo, ModelList, Role,
    SendMessage, SendReceipt, SteerMode, SteerReceipt, SubscribeSnapshot,
};
use crate::error::{ApiError, ErrorCode};
use crate::frames::{Frame, FrameBody, Phase, Priority, QueuedRun, RunStatus, StopReason, Usage};
use crate::store::accounts::{
    AccountCheck, AccountInfo, AccountKind, AccountPatch, AccountSource, NewAccount,
};
use crate::store::attachments::AttachmentInfo;
use crate::store::branches::BranchInfo;
use crate::store::memory::{Memory, MemoryKind, MemoryPatch, MemoryTier, NewMemory};
use crate::store::presets::{NewPreset, Preset, PresetPatch};
use crate::store::search::{SearchHit, SearchQuery, SearchResults, SnippetPart};
use crate::store::sessions::{
    CreateSession, ListSessions, Session, SessionPage, SessionStatus, TitleSource, UpdateSession,
};
use crate::transfer::{
    DocumentAttachment, DocumentMessage, DocumentSession, ExportFormat, SessionDocument,
};
use crate::usage::{AccountUsage, UsageSummary};

/// Writes every type that crosses IPC (and what they reference) into `dir`.
/// 64-bit integers (millisecond timestamps, seqs) become `number`: they stay far below 2^53.
pub fn export_all(dir: &Path) -> Result<(), ts_rs::ExportError> {
    let cfg = Config::new().with_out_dir(dir).with_large_int("number");
    let cfg = &cfg;
    ApiError::export_all(cfg)?;
    ErrorCode::export_all(cfg)?;
    Session::export_all(cfg)?;
    crate::RuntimeKind::export_all(cfg)?;
    SessionPage::export_all(cfg)?;
    SessionStatus::export_all(cfg)?;
    TitleSource::export_all(cfg)?;
    ListSessions::export_all(cfg)?;
    AttachmentInfo::export_all(cfg)?;
    BranchInfo::export_all(cfg)?;
    Memory::export_all(cfg)?;
    MemoryKind::export_all(cfg)?;
    MemoryTier::export_all(cfg)?;
    NewMemory::export_all(cfg)?;
    MemoryPatch::export_all(cfg)?;
    Preset::export_all(cfg)?;
    NewPreset::export_all(cfg)?;
    PresetPatch::export_all(cfg)?;
    SearchQuery::export_all(cfg)?;
    SearchHit::export_all(cfg)?;
    SearchResults::export_all(cfg)?;
    SnippetPart::export_all(cfg)?;
    ExportFormat::export_all(cfg)?;
    SessionDocument::export_all(cfg)?;
    DocumentSession::export_all(cfg)?;
    DocumentMessage::export_all(cfg)?;
    DocumentAttachment::export_all(cfg)?;
    CreateSession::export_all(cfg)?;
    UpdateSession::export_all(cfg)?;
    Frame::export_all(cfg)?;
    FrameBody::export_all(cfg)?;
    Phase::export_all(cfg)?;
    Priority::export_all(cfg)?;
    QueuedRun::export_all(cfg)?;
    RunStatus::export_all(cfg)?;
    StopReason::export_all(cfg)?;
    Usage::export_all(cfg)?;
    ContentBlock::export_all(cfg)?;
    History::export_all(cfg)?;
    Message::export_all(cfg)?;
    MessageSource::export_all(cfg)?;
    MessageStatus::export_all(cfg)?;
    Role::export_all(cfg)?;
    SendMessage::export_all(cfg)?;
    SendReceipt::export_all(cfg)?;
    SteerMode::export_all(cfg)?;
    SteerReceipt::export_all(cfg)?;
    SubscribeSnapshot::export_all(cfg)?;
    ModelInfo::export_all(cfg)?;
    ModelList::export_all(cfg)?;
    AccountInfo::export_all(cfg)?;
    AccountKind::export_all(cfg)?;
    AccountSource::export_all(cfg)?;
    NewAccount::export_all(cfg)?;
    AccountPatch::export_all(cfg)?;
    AccountCheck::export_all(cfg)?;
    UsageSummary::export_all(cfg)?;
    crate::local::LocalServer::export_all(cfg)?;
    crate::store::settings::Settings::export_all(cfg)?;
    crate::store::approvals::Approval::export_all(cfg)?;
    crate::store::approvals::ApprovalAnswer::export_all(cfg)?;
    crate::store::approvals::Remember::export_all(cfg)?;
    crate::store::rules::NewRule::export_all(cfg)?;
    crate::policy::Rule::export_all(cfg)?;
    crate::policy::Decision::export_all(cfg)?;
    crate::frames::ApprovalOutcome::export_all(cfg)?;
    crate::tools::ToolInfo::export_all(cfg)?;
    crate::tools::McpServerInfo::export_all(cfg)?;
    crate::tools::McpStatus::export_all(cfg)?;
    crate::store::mcp_servers::McpTransport::export_all(cfg)?;
    crate::store::mcp_servers::NewMcpServer::export_all(cfg)?;
    crate::store::mcp_servers::McpServerPatch::export_all(cfg)?;
    crate::store::settings::SettingsPatch::export_all(cfg)?;
    AccountUsage::export_all(cfg)?;
    crate::outside::inbox::InboxPost::export_all(cfg)?;
    crate::outside::inbox::InboxReceipt::export_all(cfg)?;
    crate::store::hooks::Hook::export_all(cfg)?;
    crate::store::hooks::NewHook::export_all(cfg)?;
    crate::store::hooks::HookPatch::export_all(cfg)?;
    crate::store::hooks::HookWithSecret::export_all(cfg)?;
    crate::store::hooks::HookReceipt::export_all(cfg)?;
    crate::store::schedules::Schedule::export_all(cfg)?;
    crate::store::schedules::NewSchedule::export_all(cfg)?;
    crate::store::schedules::SchedulePatch::export_all(cfg)?;
    crate::store::schedules::ScheduleRun::export_all(cfg)?;
    crate::store::schedules::ScheduleRunStatus::export_all(cfg)?;
    crate::outside::background::Activity::export_all(cfg)?;
    crate::outside::background::HealthCheck::export_all(cfg)?;
    crate::logging::LogLine::export_all(cfg)?;
    crate::logging::LogLevel::export_all(cfg)?;
    crate::logging::LogQuery::export_all(cfg)?;
    Ok(())
}

/// `ui/src/bindings` in this checkout.
pub fn ui_bindings_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings")
}
