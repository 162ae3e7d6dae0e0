//! MCP servers: the tool servers chats can use, over stdio or streamable HTTP.

use hearth_engine::store::mcp_servers::{McpServerPatch, NewMcpServer};
use hearth_engine::tools::McpServerInfo;

use super::declare::operations;

operations! {
    area: mcp, "MCP servers";

    /// Every configured server, with its status and tools when started.
    mcp_servers_list {
        ipc() -> Vec<McpServerInfo>;
        http GET "/v1/mcp/servers" => 200 object(servers: Vec<McpServerInfo>);
        errors();
    }

    /// Adds a server (started when a chat needs it, or by `mcp_server_test`); its secrets go
    /// to the OS keyring only.
    mcp_server_add {
        ipc(server: NewMcpServer) -> McpServerInfo;
        http POST "/v1/mcp/servers" body json(NewMcpServer) => 201 json(McpServerInfo);
        errors(InvalidMcpServer, KeyringUnavailable, InvalidInput);
    }

    /// Changes a server: absent fields stay; `secrets` replaces them all.
    mcp_server_update {
        ipc(name: String, patch: McpServerPatch) -> McpServerInfo;
        http PATCH "/v1/mcp/servers/{name}" body json(McpServerPatch) => 200 json(McpServerInfo);
        errors(McpServerNotFound, InvalidMcpServer, KeyringUnavailable, InvalidInput);
    }

    /// Removes a server, and its secrets.
    mcp_server_remove {
        ipc(name: String) -> ();
        http DELETE "/v1/mcp/servers/{name}" => 200 object(ok: bool);
        errors(McpServerNotFound);
    }

    /// Starts the server and lists its tools: `status` and `error` say how it went.
    mcp_server_test {
        ipc(name: String) -> McpServerInfo;
        http POST "/v1/mcp/servers/{name}/test" => 200 json(McpServerInfo);
        errors(McpServerNotFound);
    }
}
