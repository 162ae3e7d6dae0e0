//! Assistant presets: named system prompts, kept by name, refused when bad, and a chat that
//! took one keeps its prompt whatever happens to the preset later.

use hearth_engine::store::presets::{NewPreset, PresetPatch};
use hearth_engine::{CreateSession, Engine, ErrorCode, UpdateSession};

fn new(name: &str, prompt: &str) -> NewPreset {
    NewPreset { name: name.into(), prompt: prompt.into() }
}

fn names(engine: &Engine) -> Vec<String> {
    engine.list_presets().unwrap().into_iter().map(|p| p.name).collect()
}

#[test]
fn presets_are_kept_by_name_changed_and_deleted_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    assert!(engine.list_presets().unwrap().is_empty());
    let translator = engine
        .add_preset(&new("  Translator ", "\nTranslate what I write into French.\n"))
        .unwrap();
    assert_eq!(translator.name, "Translator");
    assert_eq!(translator.prompt, "Translate what I write into French.");
    engine.add_preset(&new("code reviewer", "Review code for bugs first, style last.")).unwrap();
    engine.add_preset(&new("Brief", "Answer in at most three sentences.")).unwrap();
    assert_eq!(names(&engine), ["Brief", "code reviewer", "Translator"], "by name, any case");

    let renamed = engine
        .update_preset(
            &translator.id,
            &PresetPatch { name: Some("French".into()), ..Default::default() },
        )
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.prompt.as_str()),
        ("French", translator.prompt.as_str())
    );
    // Its own name in another case is no clash.
    engine
        .update_preset(
            &translator.id,
            &PresetPatch { name: Some("FRENCH".into()), ..Default::default() },
        )
        .unwrap();
    drop(engine);

    let engine = Engine::open(dir.path()).unwrap();
    assert_eq!(names(&engine), ["Brief", "code reviewer", "FRENCH"]);
    engine.delete_preset(&translator.id).unwrap();
    assert_eq!(names(&engine), ["Brief", "code reviewer"]);
    assert_eq!(engine.delete_preset(&translator.id).unwrap_err().code, ErrorCode::NotFound);
}

#[test]
fn bad_presets_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let brief = engine.add_preset(&new("Brief", "Answer briefly.")).unwrap();
    let long_name = "n".repeat(61);
    let long_prompt = "p".repeat(100_001);
    for (bad, why) in [
        (new("", "x"), "a preset needs a name"),
        (new("   ", "x"), "a preset needs a name"),
        (new(&long_name, "x"), "at most 60 characters"),
        (new("Two\nlines", "x"), "one line"),
        (new("Empty", " \n "), "needs a prompt"),
        (new("Huge", &long_prompt), "at most 100000 characters"),
        (new("brief", "Another."), "already a preset named"),
    ] {
        let e = engine.add_preset(&bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{why}");
        assert!(e.message.contains(why), "{why}: {}", e.message);
    }
    let other = engine.add_preset(&new("Other", "Be thorough.")).unwrap();
    let clash = PresetPatch {
        name: Some("BRIEF".into()),
        prompt: Some("Changed.".into()),
        ..Default::default()
    };
    assert_eq!(engine.update_preset(&other.id, &clash).unwrap_err().code, ErrorCode::InvalidInput);
    let empty = PresetPatch { prompt: Some("".into()), ..Default::default() };
    assert_eq!(engine.update_preset(&other.id, &empty).unwrap_err().code, ErrorCode::InvalidInput);
    let missing = PresetPatch { name: Some("X".into()), ..Default::default() };
    assert_eq!(engine.update_preset("nope", &missing).unwrap_err().code, ErrorCode::NotFound);
    let after = engine.list_presets().unwrap();
    assert_eq!(after, vec![brief, other], "nothing changed");
}

#[test]
fn a_chat_keeps_the_prompt_it_took_when_the_preset_changes_or_goes() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let preset = engine.add_preset(&new("Pirate", "Talk like a pirate.")).unwrap();
    let session = engine.create_session(&CreateSession::default()).unwrap();
    let update = UpdateSession { system_prompt: Some(preset.prompt.clone()), ..Default::default() };
    engine.update_session(&session.id, &update).unwrap();

    engine
        .update_preset(
            &preset.id,
            &PresetPatch { prompt: Some("Talk like a poet.".into()), ..Default::default() },
        )
        .unwrap();
    engine.delete_preset(&preset.id).unwrap();
    let session = engine.get_session(&session.id).unwrap();
    assert_eq!(session.system_prompt.as_deref(), Some("Talk like a pirate."));
}

#[test]
fn new_chats_start_with_the_preset_marked_for_them_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::open(dir.path()).unwrap();
    let pirate = engine.add_preset(&new("Pirate", "Talk like a pirate.")).unwrap();
    let poet = engine.add_preset(&new("Poet", "Answer in verse.")).unwrap();
    let prompt_of_new = |req: CreateSession| engine.create_session(&req).unwrap().system_prompt;
    assert_eq!(prompt_of_new(CreateSession::default()), None, "none marked");

    let mark = |id: &str, on: bool| {
        let patch = PresetPatch { for_new_chats: Some(on), ..Default::default() };
        engine.update_preset(id, &patch).unwrap()
    };
    assert!(mark(&pirate.id, true).for_new_chats);
    assert_eq!(prompt_of_new(CreateSession::default()).as_deref(), Some("Talk like a pirate."));
    // Its own instructions, or explicitly none, win.
    let own = CreateSession { system_prompt: Some("Be terse.".into()), ..Default::default() };
    assert_eq!(prompt_of_new(own).as_deref(), Some("Be terse."));
    let none = CreateSession { system_prompt: Some(String::new()), ..Default::default() };
    assert_eq!(prompt_of_new(none), None);

    // One preset at a time: marking another unmarks the first.
    mark(&poet.id, true);
    let marked: Vec<_> = engine
        .list_presets()
        .unwrap()
        .into_iter()
        .filter(|p| p.for_new_chats)
        .map(|p| p.name)
        .collect();
    assert_eq!(marked, ["Poet"]);
    assert_eq!(prompt_of_new(CreateSession::default()).as_deref(), Some("Answer in verse."));
    mark(&poet.id, false);
    assert_eq!(prompt_of_new(CreateSession::default()), None);
    // Deleting the marked preset leaves new chats without instructions.
    mark(&pirate.id, true);
    engine.delete_preset(&pirate.id).unwrap();
    assert_eq!(prompt_of_new(CreateSession::default()), None);
}
