import type { ModelList } from "../bindings/ModelList";
import { modelName, NO_MODEL_HINT } from "../chatFormat";

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

/** The session's model, in the chat header. */
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
  return (
    <label className="model-picker">
      <span className="visually-hidden">Model for this chat</span>
      <select data-testid="model-picker" value={current} onChange={(e) => onChange(e.target.value)}>
        <option value="">{models.default ? `Default (${modelName(models, models.default)})` : "Default"}</option>
        {models.models.map((m) => (
          <option key={m.id} value={m.id} title={m.id}>
            {m.provider ? `${m.name} · ${m.provider}` : m.name}
          </option>
        ))}
        {!known && <option value={current}>{`${current} (unavailable)`}</option>}
      </select>
    </label>
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
