"""Stable ids of every key binding, so `[keys]` in the config can remap any of them.

The UI's bindings carry these ids (a test keeps the two lists equal); the
config validates `[keys]` against them without importing Textual.
"""

from __future__ import annotations

BINDING_IDS: dict[str, str] = {
    "list.down": "next story",
    "list.up": "previous story",
    "list.top": "first story",
    "list.bottom": "last story",
    "list.page_down": "a screen down",
    "list.page_up": "a screen up",
    "list.open": "open the story in the reader and mark it read",
    "list.expand": "expand or collapse an event's other reports",
    "list.grouping": "group reports of the same event on/off",
    "reader.page": "page the reader down",
    "reader.down": "scroll the reader down",
    "reader.up": "scroll the reader up",
    "reader.top": "top of the story",
    "reader.bottom": "end of the story",
    "story.next_unread": "next unread story",
    "story.toggle_read": "toggle read/unread",
    "story.star": "star/unstar",
    "story.open_link": "open the story in the browser",
    "story.links": "open link N of the story",
    "story.refetch": "fetch the article again",
    "view.mark_all_read": "mark every story in the view read",
    "view.undo": "undo mark-all-read",
    "sidebar.down": "next related story",
    "sidebar.up": "previous related story",
    "app.refresh": "refresh all feeds",
    "app.feeds": "feed picker",
    "app.search": "search",
    "app.sidebar": "jump to the sidebar and back",
    "app.health": "feed health",
    "app.help": "help",
    "app.quit": "quit",
    "app.escape": "back / close",
    "app.focus_next": "next pane",
    "app.focus_previous": "previous pane",
    "health.close": "close feed health",
    "health.retry": "retry the selected feed",
    "health.retry_failed": "retry every failing feed",
    "help.close": "close help",
    "links.close": "close the link list",
    "picker.close": "close the feed picker",
    "prompt.cancel": "cancel a prompt",
}
