// A small MCP server for hearth-mcp's tests, on the same SDK as the reference servers: tool
// names that providers refuse, a tool that adds a tool (so the server sends
// notifications/tools/list_changed), and a tool that waits to be cancelled.
// Run as `node fixture-server.mjs` (stdio).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";

const text = (value) => ({ content: [{ type: "text", text: value }] });

const server = new McpServer(
  { name: "hearth-test-fixture", version: "1.0.0" },
  { capabilities: { tools: { listChanged: true } } },
);

server.registerTool("add-tool", { description: "Adds the tool `added`." }, async () => {
  server.registerTool("added", { description: "Exists once add-tool has run." }, async () =>
    text("added works"),
  );
  return text("added");
});
// MCP allows dots in tool names; model providers do not.
server.registerTool("dotted.name", { description: "A name providers refuse." }, async () =>
  text("dotted"),
);
// 60 characters: over the 64 providers accept once prefixed with a server name and `__`.
server.registerTool("x".repeat(60), { description: "Too long once qualified." }, async () =>
  text("long"),
);

// Cancellation as the server sees it: the SDK aborts a request's signal on notifications/cancelled.
let cancelled = 0;
server.registerTool("wait-for-cancel", { description: "Waits until cancelled." }, async (extra) => {
  await new Promise((resolve) => extra.signal.addEventListener("abort", resolve, { once: true }));
  cancelled += 1;
  return text("cancelled");
});
server.registerTool("cancelled-count", { description: "How many waits were cancelled." }, async () =>
  text(String(cancelled)),
);

// What the server inherited: Hearth must pass no secret of its own to a server it starts.
server.registerTool("environment", { description: "The server's environment, NAME=value lines." }, async () =>
  text(Object.entries(process.env).map(([k, v]) => `${k}=${v}`).join("\n")),
);

await server.connect(new StdioServerTransport());
