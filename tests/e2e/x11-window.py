#!/usr/bin/python3
"""Does to an app's top-level X window what a window manager or the user would.

    x11-window.py close PID   ask the window of process PID to close (WM_DELETE_WINDOW, the
                              message a title bar's close button or Alt+F4 sends)
    x11-window.py state PID   print "shown" or "hidden" (is its window mapped?)

Xvfb runs no window manager, so the end-to-end tests send the close request themselves. The
window is the largest top-level one with _NET_WM_PID = PID that speaks WM_DELETE_WINDOW (GTK's
client leader and the tray icon are small ones that do too). Exit status 3 when there is none.
Needs python3-xlib.
"""

import sys

from Xlib import X, display
from Xlib.protocol import event


def main_window(d, pid):
    atom = d.intern_atom
    net_wm_pid, protocols, delete = (
        atom("_NET_WM_PID"),
        atom("WM_PROTOCOLS"),
        atom("WM_DELETE_WINDOW"),
    )
    found = []
    for w in d.screen().root.query_tree().children:
        prop = w.get_full_property(net_wm_pid, X.AnyPropertyType)
        if not prop or prop.value[0] != pid:
            continue
        speaks = w.get_full_property(protocols, X.AnyPropertyType)
        if speaks and delete in speaks.value:
            g = w.get_geometry()
            found.append((g.width * g.height, w))
    if found:
        return max(found, key=lambda f: f[0])[1], protocols, delete
    print(f"no top-level window of process {pid} accepts WM_DELETE_WINDOW", file=sys.stderr)
    sys.exit(3)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("close", "state"):
        sys.exit(__doc__)
    d = display.Display()
    w, protocols, delete = main_window(d, int(sys.argv[2]))
    if sys.argv[1] == "close":
        message = event.ClientMessage(
            window=w, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0])
        )
        w.send_event(message, event_mask=X.NoEventMask)
        d.flush()
    else:
        mapped = w.get_attributes().map_state == X.IsViewable
        print("shown" if mapped else "hidden")


if __name__ == "__main__":
    main()
