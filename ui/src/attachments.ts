// Files attached to the next message: their upload state, and how they are described.
import type { AttachmentInfo } from "./bindings/AttachmentInfo";
import type { UiError } from "./api";

/** A file on its way into the next message. */
export interface PendingAttachment {
  key: string;
  name: string;
  size: number;
  /** A local preview of an image (an object URL of the picked file), else null. */
  previewUrl: string | null;
  status: "uploading" | "ready" | "failed";
  /** Set once uploaded: the id to send, and the type the backend found in the bytes. */
  info?: AttachmentInfo;
  error?: UiError;
}

/** "512 B", "3.4 KB", "12 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** What a file's type is called on its chip. */
export function kindLabel(mime: string): string {
  if (mime === "application/pdf") return "PDF";
  if (mime.startsWith("image/")) return mime.slice(6).toUpperCase();
  return "Text";
}

/** The ids to send with the message, or null while any upload is still going. */
export function readyIds(items: readonly PendingAttachment[]): string[] | null {
  if (items.some((a) => a.status === "uploading")) return null;
  return items.flatMap((a) => (a.status === "ready" && a.info ? [a.info.attachment_id] : []));
}

/** Files from a drop or a paste (a DataTransfer), ignoring text and links. */
export function filesOf(data: DataTransfer | null): File[] {
  return data ? Array.from(data.files) : [];
}
