import { useState } from "react";
import type { ExportFormat } from "../bindings/ExportFormat";
import { toUiError } from "../api";

export interface ExportMenuProps {
  /** Saves the chat's export; resolves with the file's path. */
  onExport(format: ExportFormat): Promise<string>;
}

type Status = { kind: "idle" } | { kind: "saving" } | { kind: "saved"; path: string } | { kind: "failed"; message: string };

/** "Export": the chat as Markdown (to read) or JSON (to import again), saved to Downloads. */
export function ExportMenu({ onExport }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  const save = async (format: ExportFormat) => {
    setOpen(false);
    setStatus({ kind: "saving" });
    try {
      setStatus({ kind: "saved", path: await onExport(format) });
    } catch (e) {
      setStatus({ kind: "failed", message: toUiError(e).message });
    }
  };

  return (
    <div className="export-menu">
      <button
        type="button"
        className="export-toggle"
        data-testid="export-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => e.key === "Escape" && setOpen(false)}
      >
        Export
      </button>
      {open && (
        <div className="export-options" role="menu">
          <button type="button" role="menuitem" data-testid="export-md" onClick={() => void save("md")}>
            Markdown (.md)
          </button>
          <button type="button" role="menuitem" data-testid="export-json" onClick={() => void save("json")}>
            JSON, to import again (.json)
          </button>
        </div>
      )}
      {status.kind === "saving" && <span className="export-status" role="status">Saving…</span>}
      {status.kind === "saved" && (
        <span className="export-status" role="status" data-testid="export-saved" title={status.path}>
          Saved to {status.path}
          <button type="button" className="link-button" aria-label="Dismiss" onClick={() => setStatus({ kind: "idle" })}>
            ×
          </button>
        </span>
      )}
      {status.kind === "failed" && (
        <span className="export-status export-failed" role="alert">
          Export failed: {status.message}
        </span>
      )}
    </div>
  );
}
