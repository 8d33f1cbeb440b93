"""Whose text the X11 PRIMARY selection holds. No Qt here.

PRIMARY keeps the last text selected in *any* app, even after the user went on to another
app with nothing selected there. An edit by voice may only take it when it belongs to the
app in front. The X server gives every client connection its own range of resource ids,
so a window of the app in front and the window that owns PRIMARY (Qt and GTK own it with
a hidden window of their own) belong to the same app exactly when their ids agree outside
the server's ``resource_id_mask`` (what ``XKillClient`` relies on).
"""

import logging

log = logging.getLogger(__name__)


def primary_owned_by(window: int) -> bool:
    """Whether the client that made ``window`` owns the PRIMARY selection now (X11).

    Any one thread at a time; opens its own X connection. False when there is no X
    display, no owner, or ``window`` is 0 (unknown).
    """
    if not window:
        return False
    import Xlib.display
    import Xlib.error
    import Xlib.Xatom

    try:
        display = Xlib.display.Display()
    except (Xlib.error.DisplayError, OSError) as e:
        log.info("No X display to ask about the selection: %s", e)
        return False
    try:
        owner = display.get_selection_owner(Xlib.Xatom.PRIMARY)
        owner_id = owner if isinstance(owner, int) else owner.id
        mask = display.display.info.resource_id_mask
        return bool(owner_id) and (owner_id & ~mask) == (window & ~mask)
    finally:
        display.close()
