import { useCallback, useEffect, useRef, useState } from "react";
import { toUiError } from "./api";
import type { PendingAttachment } from "./attachments";
import type { AttachmentInfo } from "./bindings/AttachmentInfo";

let counter = 0;

function previewOf(file: File): string | null {
  if (!file.type.startsWith("image/") || typeof URL.createObjectURL !== "function") return null;
  return URL.createObjectURL(file);
}

function revoke(items: readonly PendingAttachment[]) {
  for (const a of items) if (a.previewUrl) URL.revokeObjectURL(a.previewUrl);
}

/**
 * The files waiting to go with the next message in one chat: each uploads as soon as it is
 * added (so a refusal shows at once), and can be removed before sending. Emptied when the chat
 * changes.
 */
export function useAttachments(chatKey: string | null, upload: (file: File) => Promise<AttachmentInfo>) {
  const [items, setItems] = useState<PendingAttachment[]>([]);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const keyRef = useRef(chatKey);

  useEffect(() => {
    keyRef.current = chatKey;
    return () => {
      revoke(itemsRef.current);
      setItems([]);
    };
  }, [chatKey]);

  const add = useCallback(
    (files: readonly File[]) => {
      const chat = keyRef.current;
      const added = files.map((file) => ({
        file,
        item: {
          key: `att-${++counter}`,
          name: file.name || "pasted file",
          size: file.size,
          previewUrl: previewOf(file),
          status: "uploading",
        } satisfies PendingAttachment as PendingAttachment,
      }));
      setItems((list) => [...list, ...added.map((a) => a.item)]);
      added.forEach(({ file, item }) => {
        const settle = (patch: Partial<PendingAttachment>) => {
          if (keyRef.current !== chat) return; // the chat changed meanwhile
          setItems((list) => list.map((a) => (a.key === item.key ? { ...a, ...patch } : a)));
        };
        upload(file).then(
          (info) => settle({ status: "ready", info, name: info.name }),
          (e: unknown) => settle({ status: "failed", error: toUiError(e) }),
        );
      });
    },
    [upload],
  );

  const remove = useCallback((key: string) => {
    setItems((list) => {
      revoke(list.filter((a) => a.key === key));
      return list.filter((a) => a.key !== key);
    });
  }, []);

  /** After a send took them: the list empties (previews are released). */
  const clear = useCallback(() => {
    setItems((list) => {
      revoke(list);
      return [];
    });
  }, []);

  return { items, add, remove, clear };
}
