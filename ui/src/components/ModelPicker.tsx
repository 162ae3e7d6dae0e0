import type { ModelList } from "../bindings/ModelList";
import {
  capabilitiesOf,
  capabilityLabel,
  capabilityTitle,
  effectiveModel,
  modelOptionLabel,
  type Capability,
} from "../capabilities";
import { modelName, NO_MODEL_HINT } from "../chatFormat";
import { BulbIcon, EyeIcon, ToolIcon } from "./icons";

export interface ModelPickerProps {
  /** null while loading. */
  models: ModelList | null;
  /** models_list failed. */
  failed: boolean;
  /** The session's model, or null for the default. */
  value: string | null;
  /** `""` means the default model. */
  onChange(model: string): void;
}

/** The session's model, in the chat header, with what the chosen model can do beside it. */
export function ModelPicker({ models, failed, value, onChange }: ModelPickerProps) {
  if (failed) {
    return (
      <span className="model-missing" data-testid="model-missing">
        Models unavailable
      </span>
    );
  }
  if (!models) return null;
  if (models.models.length === 0) {
    return (
      <span className="model-missing" data-testid="model-missing" title={NO_MODEL_HINT}>
        No model configured
      </span>
    );
  }
  const current = value ?? "";
  const known = current === "" || models.models.some((m) => m.id === current);
  const selected = effectiveModel(models, value);
  return (
    <div className="model-picker-group">
      <label className="model-picker">
        <span className="visually-hidden">Model for this chat</span>
        <select data-testid="model-picker" value={current} onChange={(e) => onChange(e.target.value)}>
          <option value="">{models.default ? `Default (${modelName(models, models.default)})` : "Default"}</option>
          {models.models.map((m) => (
            <option key={m.id} value={m.id} title={m.id}>
              {modelOptionLabel(m)}
            </option>
          ))}
          {!known && <option value={current}>{`${current} (unavailable)`}</option>}
        </select>
      </label>
      {selected && <CapabilityBadges capabilities={capabilitiesOf(selected)} />}
    </div>
  );
}

const CAPABILITY_ICONS: Record<Capability, typeof EyeIcon> = {
  vision: EyeIcon,
  tools: ToolIcon,
  reasoning: BulbIcon,
};

/** Small icons for what a model can do, each with its meaning as a tooltip. */
export function CapabilityBadges({ capabilities }: { capabilities: readonly Capability[] }) {
  if (capabilities.length === 0) return null;
  return (
    <ul className="capability-badges" data-testid="model-capabilities" aria-label="What this model can do">
      {capabilities.map((c) => {
        const CapabilityIcon = CAPABILITY_ICONS[c];
        return (
          <li key={c} className="capability-badge" data-testid="model-capability" data-capability={c} title={capabilityTitle(c)}>
            <CapabilityIcon size={13} />
            <span className="visually-hidden">{capabilityLabel(c)}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Shown above the composer when there is no model to talk to. */
export function NoModelHint() {
  return (
    <div className="model-hint" data-testid="model-hint" role="note">
      <strong>No model configured.</strong> {NO_MODEL_HINT}.
    </div>
  );
}
