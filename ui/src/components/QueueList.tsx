import type { QueuedRun } from "../bindings/QueuedRun";
import { PRIORITY_LABELS } from "../chatFormat";

export interface QueueListProps {
  queue: readonly QueuedRun[];
  onClear(): void;
}

/** Messages waiting for their turn, in the order they will run. */
export function QueueList({ queue, onClear }: QueueListProps) {
  if (queue.length === 0) return null;
  return (
    <section className="queue" aria-label="Queued messages">
      <div className="queue-header">
        <span>
          {queue.length === 1 ? "1 message queued" : `${queue.length} messages queued`}
        </span>
        <button type="button" className="link-button" data-testid="queue-clear" onClick={onClear}>
          Clear queue
        </button>
      </div>
      <ol className="queue-list" data-testid="queue-list">
        {queue.map((item) => (
          <li key={item.run_id} className="queued-item" data-testid="queued-item" data-priority={item.priority}>
            <span className={`queued-priority priority-${item.priority}`}>{PRIORITY_LABELS[item.priority]}</span>
            <span className="queued-text" title={item.text}>
              {item.text}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
