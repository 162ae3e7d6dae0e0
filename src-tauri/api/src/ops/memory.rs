//! Memory: what Hearth remembers about the user across chats (core memories are in every
//! chat; archival ones are searched when needed).

use hearth_engine::store::memory::{Memory, MemoryPatch, MemoryTier, NewMemory};

use super::declare::operations;

operations! {
    area: memory, "Memory";

    /// Every memory of `tier` (all when absent), core first, newest first; with a `q` that is
    /// not blank, those matching any of its words, best first: at most `limit` (1 to 200,
    /// default 200) of the tier. `limit` bounds a search only.
    memories_list {
        ipc(tier: Option<MemoryTier>, q: Option<String>, limit: Option<u32>) -> Vec<Memory>;
        http GET "/v1/memories"
            query(tier: Option<MemoryTier>, q: Option<String>, limit: Option<u32>)
            => 200 object(memories: Vec<Memory>);
        errors(InvalidLimit, InvalidInput);
    }

    /// Remembers something (`kind`: profile, preference, relationship or fact); at most 50
    /// core memories.
    memory_add {
        ipc(memory: NewMemory) -> Memory;
        http POST "/v1/memories" body json(NewMemory) => 201 json(Memory);
        errors(InvalidInput);
    }

    /// Changes a memory's text, kind or tier; absent fields stay.
    memory_update {
        ipc(id: String, patch: MemoryPatch) -> Memory;
        http PATCH "/v1/memories/{id}" body json(MemoryPatch) => 200 json(Memory);
        errors(NotFound, InvalidInput);
    }

    /// Forgets a memory.
    memory_remove {
        ipc(id: String) -> ();
        http DELETE "/v1/memories/{id}" => 204 empty;
        errors(NotFound);
    }
}
