import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode, type RefObject } from "react";
import type { Outcome, UiError } from "../api";
import type { AccountInfo } from "../bindings/AccountInfo";
import type { AccountPatch } from "../bindings/AccountPatch";
import type { AccountUsage } from "../bindings/AccountUsage";
import type { Decision } from "../bindings/Decision";
import type { HealthCheck } from "../bindings/HealthCheck";
import type { Hook } from "../bindings/Hook";
import type { HookPatch } from "../bindings/HookPatch";
import type { HookWithSecret } from "../bindings/HookWithSecret";
import type { LogLine } from "../bindings/LogLine";
import type { LogQuery } from "../bindings/LogQuery";
import type { McpServerInfo } from "../bindings/McpServerInfo";
import type { McpServerPatch } from "../bindings/McpServerPatch";
import type { ModelList } from "../bindings/ModelList";
import type { NewAccount } from "../bindings/NewAccount";
import type { NewHook } from "../bindings/NewHook";
import type { NewMcpServer } from "../bindings/NewMcpServer";
import type { NewRule } from "../bindings/NewRule";
import type { NewSchedule } from "../bindings/NewSchedule";
import type { Rule } from "../bindings/Rule";
import type { Schedule } from "../bindings/Schedule";
import type { SchedulePatch } from "../bindings/SchedulePatch";
import type { ScheduleRun } from "../bindings/ScheduleRun";
import type { Session } from "../bindings/Session";
import type { Settings } from "../bindings/Settings";
import type { SettingsPatch } from "../bindings/SettingsPatch";
import type { ToolInfo } from "../bindings/ToolInfo";
import { AccountForm } from "./AccountForm";
import { AccountList, type AccountTestResult } from "./AccountList";
import { Dialog } from "./Dialog";
import { GeneralSettings } from "./GeneralSettings";
import { AssistantIcon, BulbIcon, ClockIcon, KeyIcon, LogsIcon, ServerIcon, ShieldIcon, SlidersIcon, ToolIcon, WebhookIcon } from "./icons";
import { LogsSettings } from "./LogsSettings";
import { McpSettings, type McpTestResult } from "./McpSettings";
import { MemorySettings, type MemorySettingsProps } from "./MemorySettings";
import { PresetsSettings, type PresetsSettingsProps } from "./PresetsSettings";
import { RulesSettings } from "./RulesSettings";
import { SchedulesSettings } from "./SchedulesSettings";
import { ToolsSettings } from "./ToolsSettings";
import { WebhooksSettings } from "./WebhooksSettings";

export type SettingsTab = "accounts" | "presets" | "memory" | "tools" | "rules" | "mcp" | "schedules" | "hooks" | "logs" | "general";

const TABS: ReadonlyArray<{ id: SettingsTab; label: string; icon: typeof KeyIcon }> = [
  { id: "accounts", label: "Accounts", icon: KeyIcon },
  { id: "presets", label: "Presets", icon: AssistantIcon },
  { id: "memory", label: "Memory", icon: BulbIcon },
  { id: "tools", label: "Tools", icon: ToolIcon },
  { id: "rules", label: "Rules", icon: ShieldIcon },
  { id: "mcp", label: "MCP servers", icon: ServerIcon },
  { id: "schedules", label: "Schedules", icon: ClockIcon },
  { id: "hooks", label: "Webhooks", icon: WebhookIcon },
  { id: "logs", label: "Logs", icon: LogsIcon },
  { id: "general", label: "General", icon: SlidersIcon },
];

export interface SettingsDialogProps {
  /** The section shown first (Accounts by default). */
  initialTab?: SettingsTab;
  /** A section was shown (on opening too): its data can be (re)loaded. */
  onTabShown?(tab: SettingsTab): void;

  /** null while loading. */
  accounts: readonly AccountInfo[] | null;
  /** accounts_list failed. */
  accountsFailed: boolean;
  /** Tokens and cost per account; null until known (or if they could not be read). */
  accountUsage: readonly AccountUsage[] | null;
  onReloadAccounts(): void;
  /** Resolves null once added, or the backend's error (shown in the form). */
  onAddAccount(req: NewAccount): Promise<UiError | null>;
  /** Resolves null once removed, or the backend's error (shown on the row). */
  onRemoveAccount(accountId: string): Promise<UiError | null>;
  /** Resolves null once stored, or the backend's error (shown in the row's edit form). */
  onUpdateAccount(accountId: string, patch: AccountPatch): Promise<UiError | null>;
  /** What Test found, shown on the row. */
  onTestAccount(accountId: string): Promise<AccountTestResult>;

  /** The tools; null while loading. */
  tools: readonly ToolInfo[] | null;
  toolsFailed: boolean;
  onReloadTools(): void;
  /** The rules; null while loading. */
  rules: readonly Rule[] | null;
  rulesFailed: boolean;
  onReloadRules(): void;
  /** A tool's (or `server__*`'s) policy; null = the default. Resolves once the rules show it. */
  onSetToolPolicy(ruleTool: string, decision: Decision | null): Promise<UiError | null>;
  onAddRule(rule: NewRule): Promise<UiError | null>;
  onRemoveRule(ruleId: string): Promise<UiError | null>;

  /** The MCP servers; null while loading. */
  mcpServers: readonly McpServerInfo[] | null;
  mcpServersFailed: boolean;
  onReloadMcpServers(): void;
  onAddMcpServer(server: NewMcpServer): Promise<UiError | null>;
  onUpdateMcpServer(name: string, patch: McpServerPatch): Promise<UiError | null>;
  onRemoveMcpServer(name: string): Promise<UiError | null>;
  onTestMcpServer(name: string): Promise<McpTestResult>;

  /** The chats (the sidebar's), for the schedules' and webhooks' target and the logs' filter. */
  sessions: readonly Session[];
  /** The models on offer, for a schedule's; null when not known. */
  models: ModelList | null;
  /** Opens a chat (a schedule's run, a webhook's chat, a log line's). */
  onOpenSession(sessionId: string): void;

  /** The assistant presets and what changes them. */
  presets: PresetsSettingsProps;
  /** The memories and what changes them. */
  memory: MemorySettingsProps;

  /** The schedules; null while loading. */
  schedules: readonly Schedule[] | null;
  schedulesFailed: boolean;
  onReloadSchedules(): void;
  onAddSchedule(schedule: NewSchedule): Promise<UiError | null>;
  onUpdateSchedule(id: string, patch: SchedulePatch): Promise<UiError | null>;
  onRemoveSchedule(id: string): Promise<UiError | null>;
  onRunScheduleNow(id: string): Promise<Outcome<ScheduleRun>>;
  /** A schedule's past runs, newest first. */
  onLoadScheduleRuns(id: string): Promise<Outcome<ScheduleRun[]>>;

  /** The webhooks; null while loading. */
  hooks: readonly Hook[] | null;
  hooksFailed: boolean;
  onReloadHooks(): void;
  /** The local HTTP API's base URL (a webhook's URL starts with it); null when it is off, undefined until known. */
  apiUrl: string | null | undefined;
  /** Resolves with the new hook and its secret (shown once), or the backend's error. */
  onAddHook(hook: NewHook): Promise<Outcome<HookWithSecret>>;
  onUpdateHook(name: string, patch: HookPatch): Promise<Outcome<HookWithSecret>>;
  onRemoveHook(name: string): Promise<UiError | null>;

  /** Recent log lines (logs_recent); the Logs section asks again every 2 s while shown. */
  onQueryLogs(query: LogQuery): Promise<LogLine[]>;

  /** The app's settings; null while loading. */
  settings: Settings | null;
  settingsFailed: boolean;
  onReloadSettings(): void;
  onUpdateSettings(patch: SettingsPatch): Promise<UiError | null>;
  /** The health check; null while checking the first time. */
  health: readonly HealthCheck[] | null;
  healthFailed: boolean;
  onCheckHealth(): Promise<void>;

  onClose(): void;
  /** Where focus goes back to on close (the gear button). */
  returnFocusRef?: RefObject<HTMLElement | null>;
}

/**
 * Settings, in a modal dialog: a section per tab (accounts, tools, rules, MCP servers,
 * schedules, webhooks, logs, general).
 */
export function SettingsDialog(props: SettingsDialogProps) {
  const [tab, setTab] = useState<SettingsTab>(props.initialTab ?? "accounts");
  const tabRefs = useRef<Partial<Record<SettingsTab, HTMLButtonElement | null>>>({});
  const id = useId();
  const onTabShown = useRef(props.onTabShown);
  onTabShown.current = props.onTabShown;

  useEffect(() => {
    onTabShown.current?.(tab);
  }, [tab]);

  // Arrow keys move between the tabs (and show them), as in a tab list.
  const onTabKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const at = TABS.findIndex((t) => t.id === tab);
    const step = e.key === "ArrowDown" || e.key === "ArrowRight" ? 1 : e.key === "ArrowUp" || e.key === "ArrowLeft" ? -1 : 0;
    const to = e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : step === 0 ? null : (at + step + TABS.length) % TABS.length;
    if (to === null) return;
    e.preventDefault();
    const next = TABS[to]!.id;
    setTab(next);
    tabRefs.current[next]?.focus();
  };

  return (
    <Dialog
      title="Settings"
      testId="settings-dialog"
      closeTestId="settings-close"
      className="settings-dialog"
      onClose={props.onClose}
      returnFocusRef={props.returnFocusRef}
    >
      <div className="settings-layout">
        <div className="settings-tabs" role="tablist" aria-label="Settings sections" aria-orientation="vertical">
          {TABS.map(({ id: tabId, label, icon: TabIcon }) => (
            <button
              key={tabId}
              ref={(el) => {
                tabRefs.current[tabId] = el;
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${tabId}`}
              className="settings-tab"
              data-testid={`settings-tab-${tabId}`}
              aria-selected={tab === tabId}
              aria-controls={`${id}-panel`}
              tabIndex={tab === tabId ? 0 : -1}
              onClick={() => setTab(tabId)}
              onKeyDown={onTabKeyDown}
            >
              <TabIcon size={15} />
              <span>{label}</span>
            </button>
          ))}
        </div>
        <div
          className="settings-panel"
          id={`${id}-panel`}
          role="tabpanel"
          aria-labelledby={`${id}-tab-${tab}`}
          data-testid={`settings-panel-${tab}`}
        >
          <SettingsPanel {...props} tab={tab} />
        </div>
      </div>
    </Dialog>
  );
}

function Section({ id, title, intro, children }: { id: string; title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h3 className="settings-section-title" id={id}>
        {title}
      </h3>
      <p className="settings-section-intro">{intro}</p>
      {children}
    </section>
  );
}

function SettingsPanel(props: SettingsDialogProps & { tab: SettingsTab }) {
  switch (props.tab) {
    case "accounts":
      return (
        <Section
          id="settings-accounts"
          title="Model accounts"
          intro={
            <>
              Bring your own keys. Each account’s models appear in the chat’s model picker as <code>account/model</code>.
              Keys go to your system’s keyring, never to Hearth’s files.
            </>
          }
        >
          <AccountList
            accounts={props.accounts}
            loadFailed={props.accountsFailed}
            usage={props.accountUsage}
            onReload={props.onReloadAccounts}
            onRemove={props.onRemoveAccount}
            onUpdate={props.onUpdateAccount}
            onTest={props.onTestAccount}
          />
          <AccountForm onAdd={props.onAddAccount} />
        </Section>
      );
    case "tools":
      return (
        <Section
          id="settings-tools"
          title="Tools"
          intro="What the agent can use. Without a rule, tools that only read run at once and the others ask first; set a tool’s policy to change that everywhere."
        >
          <ToolsSettings
            tools={props.tools}
            failed={props.toolsFailed}
            rules={props.rules}
            onReload={props.onReloadTools}
            onSetPolicy={props.onSetToolPolicy}
          />
        </Section>
      );
    case "presets":
      return (
        <Section
          id="settings-presets"
          title="Assistant presets"
          intro="Named instructions a chat can take from the instructions button in its header: the model reads them before every reply in that chat. New chats start with the preset marked for them, if any."
        >
          <PresetsSettings {...props.presets} />
        </Section>
      );
    case "memory":
      return (
        <Section
          id="settings-memory"
          title="Memory"
          intro="What Hearth remembers about you across chats. The agent adds, looks up and forgets memories with its memory tools; you can do the same here. Memories stay on this computer."
        >
          <MemorySettings {...props.memory} />
        </Section>
      );
    case "rules":
      return (
        <Section
          id="settings-rules"
          title="Rules"
          intro="What runs without asking, what asks, and what never runs. Rules come from approvals (“Always…”, “Allow for this chat”) and from here."
        >
          <RulesSettings
            rules={props.rules}
            failed={props.rulesFailed}
            tools={props.tools}
            onReload={props.onReloadRules}
            onAdd={props.onAddRule}
            onRemove={props.onRemoveRule}
          />
        </Section>
      );
    case "mcp":
      return (
        <Section
          id="settings-mcp"
          title="MCP servers"
          intro={
            <>
              Servers that give the agent more tools, named <code>server__tool</code>. A server starts when a chat first needs
              its tools, or when you Test it. Its tools ask before they run unless a rule says otherwise.
            </>
          }
        >
          <McpSettings
            servers={props.mcpServers}
            failed={props.mcpServersFailed}
            onReload={props.onReloadMcpServers}
            onAdd={props.onAddMcpServer}
            onUpdate={props.onUpdateMcpServer}
            onRemove={props.onRemoveMcpServer}
            onTest={props.onTestMcpServer}
          />
        </Section>
      );
    case "schedules":
      return (
        <Section
          id="settings-schedules"
          title="Schedules"
          intro="Prompts that run by themselves at set times, in a chat of your choice or a new one each time. They run while Hearth is open, in the tray too."
        >
          <SchedulesSettings
            schedules={props.schedules}
            failed={props.schedulesFailed}
            onReload={props.onReloadSchedules}
            sessions={props.sessions}
            models={props.models}
            paused={props.settings?.schedules_paused ?? false}
            onAdd={props.onAddSchedule}
            onUpdate={props.onUpdateSchedule}
            onRemove={props.onRemoveSchedule}
            onRunNow={props.onRunScheduleNow}
            onLoadRuns={props.onLoadScheduleRuns}
            onOpenSession={props.onOpenSession}
          />
        </Section>
      );
    case "hooks":
      return (
        <Section
          id="settings-hooks"
          title="Webhooks"
          intro={
            <>
              Let other services start a turn: a <code>POST</code> with a JSON payload to a webhook’s URL fills its
              prompt template and sends it to its chat. Each call needs the webhook’s secret.
            </>
          }
        >
          <WebhooksSettings
            hooks={props.hooks}
            failed={props.hooksFailed}
            onReload={props.onReloadHooks}
            sessions={props.sessions}
            apiUrl={props.apiUrl}
            onAdd={props.onAddHook}
            onUpdate={props.onUpdateHook}
            onRemove={props.onRemoveHook}
            onOpenSession={props.onOpenSession}
          />
        </Section>
      );
    case "logs":
      return (
        <Section id="settings-logs" title="Logs" intro="What Hearth has been doing lately, to see why something went wrong.">
          <LogsSettings onQuery={props.onQueryLogs} sessions={props.sessions} onOpenSession={props.onOpenSession} />
        </Section>
      );
    case "general":
      return (
        <Section id="settings-general" title="General" intro="How Hearth behaves.">
          <GeneralSettings
            settings={props.settings}
            failed={props.settingsFailed}
            onReload={props.onReloadSettings}
            onUpdate={props.onUpdateSettings}
            health={props.health}
            healthFailed={props.healthFailed}
            onCheckHealth={props.onCheckHealth}
          />
        </Section>
      );
  }
}
