//! Chats: list, make, change, delete and restore them; search, export and import them.

use hearth_api::ops::sessions as op;

use super::support::{Answer, Args, EngineState};

#[tauri::command(async)]
pub fn session_list(
    engine: EngineState<'_>,
    args: Args<op::session_list::Args>,
) -> Answer<op::session_list::Output> {
    engine.list_sessions(&args.req)
}

#[tauri::command(async)]
pub fn session_create(
    engine: EngineState<'_>,
    args: Args<op::session_create::Args>,
) -> Answer<op::session_create::Output> {
    engine.create_session(&args.req)
}

#[tauri::command(async)]
pub fn session_get(
    engine: EngineState<'_>,
    args: Args<op::session_get::Args>,
) -> Answer<op::session_get::Output> {
    engine.get_session(&args.session_id)
}

#[tauri::command(async)]
pub fn session_update(
    engine: EngineState<'_>,
    args: Args<op::session_update::Args>,
) -> Answer<op::session_update::Output> {
    engine.update_session(&args.session_id, &args.patch)
}

#[tauri::command(async)]
pub fn session_delete(
    engine: EngineState<'_>,
    args: Args<op::session_delete::Args>,
) -> Answer<op::session_delete::Output> {
    engine.delete_session(&args.session_id)
}

#[tauri::command(async)]
pub fn session_restore(
    engine: EngineState<'_>,
    args: Args<op::session_restore::Args>,
) -> Answer<op::session_restore::Output> {
    engine.restore_session(&args.session_id)
}

#[tauri::command(async)]
pub fn search(engine: EngineState<'_>, args: Args<op::search::Args>) -> Answer<op::search::Output> {
    engine.search(&args.req)
}

#[tauri::command(async)]
pub fn session_export(
    engine: EngineState<'_>,
    args: Args<op::session_export::Args>,
) -> Answer<op::session_export::Output> {
    engine.export_session(&args.session_id, args.format)
}

/// Saves the export in the Downloads folder; returns the file's path.
#[tauri::command(async)]
pub fn session_export_save(
    engine: EngineState<'_>,
    args: Args<op::session_export_save::Args>,
) -> Answer<op::session_export_save::Output> {
    engine.save_export(&args.session_id, args.format)
}

#[tauri::command(async)]
pub fn session_import(
    engine: EngineState<'_>,
    args: Args<op::session_import::Args>,
) -> Answer<op::session_import::Output> {
    engine.import_session(&args.doc)
}
