//! Assistant presets: named system prompts a chat can take.

use hearth_engine::store::presets::{NewPreset, Preset, PresetPatch};

use super::declare::operations;

operations! {
    area: presets, "Presets";

    /// Every preset, by name.
    presets_list {
        ipc() -> Vec<Preset>;
        http GET "/v1/presets" => 200 object(presets: Vec<Preset>);
        errors();
    }

    /// A new preset; `for_new_chats` makes it the prompt of chats made without one.
    preset_add {
        ipc(preset: NewPreset) -> Preset;
        http POST "/v1/presets" body json(NewPreset) => 201 json(Preset);
        errors(InvalidInput);
    }

    /// Changes a preset; absent fields stay.
    preset_update {
        ipc(id: String, patch: PresetPatch) -> Preset;
        http PATCH "/v1/presets/{id}" body json(PresetPatch) => 200 json(Preset);
        errors(NotFound, InvalidInput);
    }

    /// Removes a preset (chats that took its prompt keep it).
    preset_remove {
        ipc(id: String) -> ();
        http DELETE "/v1/presets/{id}" => 204 empty;
        errors(NotFound);
    }
}
