import { thinkingOptions, thinkingValue, type ThinkingSupport } from "../thinking";
import { BulbIcon } from "./icons";

export interface ThinkingPickerProps {
  /** The session's budget in tokens; null = off. */
  value: number | null;
  /** Whether the session's model can think, and the tooltip that says so (or why not). */
  support: ThinkingSupport;
  /** 0 turns thinking off. */
  onChange(budget: number): void;
}

/** How long the session's model may think before it answers, beside the model picker. */
export function ThinkingPicker({ value, support, onChange }: ThinkingPickerProps) {
  const current = thinkingValue(value);
  return (
    <label
      className={`thinking-picker${support.enabled ? "" : " is-disabled"}${current > 0 ? " is-on" : ""}`}
      title={support.title}
    >
      <BulbIcon size={14} />
      <span className="visually-hidden">Thinking budget</span>
      <select
        data-testid="thinking-budget"
        value={current}
        title={support.title}
        disabled={!support.enabled}
        onChange={(e) => onChange(Number(e.target.value))}
      >
        {thinkingOptions(value).map((o) => (
          <option key={o.budget} value={o.budget}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
