import { SHORTCUTS, shortcutLabel } from "../shortcuts";
import { Dialog } from "./Dialog";

/** The cheat sheet: every keyboard shortcut (Ctrl+/ opens it). */
export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog" className="shortcuts-dialog">
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={`${s.keys} ${s.what}`} data-testid="shortcut-row">
              <td>
                <kbd>{shortcutLabel(s.keys)}</kbd>
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
