import { useId, type ReactNode } from "react";
import type { WorkspaceGroup } from "../sessionList";
import { ChevronIcon } from "./icons";

export interface WorkspaceGroupSectionProps {
  group: WorkspaceGroup;
  collapsed: boolean;
  /** The open chat is in this group: a folded header still shows where it is. */
  current: boolean;
  onToggle(key: string): void;
  /** The group's rows. */
  children: ReactNode;
}

/** One project in the grouped chat list: a header that folds it, then its rows. */
export function WorkspaceGroupSection({ group, collapsed, current, onToggle, children }: WorkspaceGroupSectionProps) {
  const id = useId();
  const rowsId = `${id}-rows`;
  const headerId = `${id}-header`;
  const count = group.sessions.length;
  const label = group.parent + group.name;
  const className = ["workspace-group-toggle", current && collapsed && "is-current"].filter(Boolean).join(" ");
  return (
    <section
      className="session-group"
      data-testid="workspace-section"
      data-workspace={group.key}
      aria-labelledby={headerId}
    >
      <h2 className="group-header workspace-group-header" id={headerId}>
        <button
          type="button"
          className={className}
          data-testid="workspace-group"
          aria-expanded={!collapsed}
          aria-controls={collapsed ? undefined : rowsId}
          aria-label={`${label}, ${count} ${count === 1 ? "chat" : "chats"}`}
          title={group.path ?? "Chats without a workspace folder"}
          onClick={() => onToggle(group.key)}
        >
          <ChevronIcon size={12} className="collapsible-chevron" />
          <span className="workspace-group-label" data-testid="workspace-group-label">
            {group.parent && <span className="workspace-group-parent">{group.parent}</span>}
            {group.name}
          </span>
          <span className="workspace-group-count" data-testid="workspace-group-count">
            {count}
          </span>
        </button>
      </h2>
      {!collapsed && (
        <ul className="session-rows" id={rowsId}>
          {children}
        </ul>
      )}
    </section>
  );
}
