"""Sync with a Google Reader API server (FreshRSS, Miniflux, Inoreader, …).

`greader` speaks the protocol, `store` keeps what sync needs in SQLite (server
item ids, subscriptions, pending state changes), `engine` runs a sync.  Domain
code: nothing here imports Textual.
"""
