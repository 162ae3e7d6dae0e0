import { createContext, useContext, useEffect, useState } from "react";
import { formatBytes, kindLabel, type PendingAttachment } from "../attachments";
import { ErrorHint } from "./ErrorHint";
import { CloseIcon, FileIcon } from "./icons";

/** Reads an attachment's bytes (the backend's `attachment_get`); null where none is wired up. */
export const AttachmentLoader = createContext<((attachmentId: string) => Promise<ArrayBuffer>) | null>(null);

/** The chips of the files going with the next message, above the composer's text. */
export function PendingAttachments({
  items,
  onRemove,
}: {
  items: readonly PendingAttachment[];
  onRemove(key: string): void;
}) {
  if (items.length === 0) return null;
  return (
    <ul className="pending-attachments" data-testid="pending-attachments">
      {items.map((a) => (
        <li
          key={a.key}
          className={`attachment-chip is-${a.status}`}
          data-testid="pending-attachment"
          data-status={a.status}
          title={a.error ? a.error.message : a.name}
        >
          {a.previewUrl ? (
            <img className="attachment-chip-thumb" src={a.previewUrl} alt="" />
          ) : (
            <FileIcon size={16} className="attachment-chip-icon" />
          )}
          <span className="attachment-chip-text">
            <span className="attachment-chip-name">{a.name}</span>
            <span className="attachment-chip-meta">
              {a.status === "uploading"
                ? "Attaching…"
                : a.status === "failed"
                  ? "Not attached"
                  : `${a.info ? kindLabel(a.info.mime) : ""} · ${formatBytes(a.size)}`}
            </span>
          </span>
          <button
            type="button"
            className="attachment-chip-remove"
            data-testid="pending-attachment-remove"
            aria-label={`Remove ${a.name}`}
            onClick={() => onRemove(a.key)}
          >
            <CloseIcon size={12} />
          </button>
          {a.error && (
            <div className="attachment-chip-error" role="alert" data-testid="pending-attachment-error">
              {a.error.message}
              <ErrorHint error={a.error} testId="pending-attachment-hint" />
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

/** An image a message shows: its bytes from the backend as a local object URL. */
export function AttachedImage({ attachmentId, mime }: { attachmentId: string; mime: string }) {
  const load = useContext(AttachmentLoader);
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [zoomed, setZoomed] = useState(false);

  useEffect(() => {
    if (!load) return;
    let objectUrl: string | null = null;
    let active = true;
    load(attachmentId).then(
      (bytes) => {
        if (!active) return;
        objectUrl = URL.createObjectURL(new Blob([bytes], { type: mime }));
        setUrl(objectUrl);
      },
      () => active && setFailed(true),
    );
    return () => {
      active = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [load, attachmentId, mime]);

  if (failed || !load) return <div className="block-note">Image ({kindLabel(mime)}) no longer available</div>;
  return (
    <>
      <button
        type="button"
        className="attached-image"
        data-testid="attached-image"
        aria-label="Show the image larger"
        onClick={() => setZoomed(true)}
      >
        {url ? <img src={url} alt="Attached image" /> : <span className="attached-image-loading" />}
      </button>
      {zoomed && url && (
        <div className="image-zoom" role="dialog" aria-label="Image" onClick={() => setZoomed(false)}>
          <img src={url} alt="Attached image, full size" />
        </div>
      )}
    </>
  );
}

/** A document a message carries: its name, kind and size. */
export function AttachedFile({ name, mime, size }: { name: string; mime: string; size: number }) {
  return (
    <div className="attachment-chip is-ready is-sent" data-testid="attached-file" title={name}>
      <FileIcon size={16} className="attachment-chip-icon" />
      <span className="attachment-chip-text">
        <span className="attachment-chip-name">{name}</span>
        <span className="attachment-chip-meta">
          {kindLabel(mime)} · {formatBytes(size)}
        </span>
      </span>
    </div>
  );
}
