//! Assistant presets: named system prompts a chat can take (see store/presets.rs).

use crate::Engine;
use crate::error::Result;
use crate::store::presets::{self, NewPreset, Preset, PresetPatch};

impl Engine {
    pub fn list_presets(&self) -> Result<Vec<Preset>> {
        Ok(self.shared.store.read(presets::list)?)
    }

    pub fn add_preset(&self, new: &NewPreset) -> Result<Preset> {
        let store = &self.shared.store;
        Ok(store.write(|tx| presets::add(tx, new, store.now()))?)
    }

    pub fn update_preset(&self, id: &str, patch: &PresetPatch) -> Result<Preset> {
        let store = &self.shared.store;
        Ok(store.write(|tx| presets::update(tx, id, patch, store.now()))?)
    }

    pub fn delete_preset(&self, id: &str) -> Result<()> {
        Ok(self.shared.store.write(|tx| presets::delete(tx, id))?)
    }
}
