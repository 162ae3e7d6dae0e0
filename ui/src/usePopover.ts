// A button that opens a popover beside it (the chat header's instructions and folder): open
// state, closing (giving focus back to the button or not), and a click elsewhere closing it.
import { useEffect, useRef, useState } from "react";

export function usePopover() {
  const [open, setOpen] = useState(false);
  /** Wraps the button and the popover: a pointer down outside it closes the popover. */
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };

  // A click elsewhere closes it (what was typed is dropped, as with Esc).
  useEffect(() => {
    if (!open) return;
    const onPointerDown = (e: PointerEvent) => {
      if (e.target instanceof Node && !rootRef.current?.contains(e.target)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  return { open, setOpen, close, rootRef, buttonRef };
}
