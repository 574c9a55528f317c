"""The editor's desk: `caipdf serve`, the issue live in the browser.

- `desk.Desk` builds the issue as `caipdf watch` does (the same loop and
  warm session), draws the pages that changed, measures how full each
  article is, runs the preflight and builds the other editions, and keeps
  the result as one state that every browser is shown.
- `pages` tells which pages changed, from what each page draws.
- `server` serves that state over HTTP, read-only, with server-sent events.

The page itself (HTML, CSS, JavaScript) is in layouts/desk/.
"""
