import { useCallback, useEffect, useState } from "react";
import {
  readCollapsedWorkspaces,
  readGroupByWorkspace,
  writeCollapsedWorkspaces,
  writeGroupByWorkspace,
} from "./sidebarPrefs";

export interface SidebarPrefs {
  groupByWorkspace: boolean;
  setGroupByWorkspace(on: boolean): void;
  /** Keys of the folded project groups. */
  collapsed: ReadonlySet<string>;
  toggleCollapsed(key: string): void;
}

/** The sidebar's remembered view (see sidebarPrefs.ts): read once, written when it changes. */
export function useSidebarPrefs(): SidebarPrefs {
  const [groupByWorkspace, setGroupByWorkspace] = useState(() => readGroupByWorkspace());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => readCollapsedWorkspaces());

  useEffect(() => writeGroupByWorkspace(groupByWorkspace), [groupByWorkspace]);
  useEffect(() => writeCollapsedWorkspaces(collapsed), [collapsed]);

  const toggleCollapsed = useCallback((key: string) => {
    setCollapsed((current) => {
      const next = new Set(current);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  return { groupByWorkspace, setGroupByWorkspace, collapsed, toggleCollapsed };
}
