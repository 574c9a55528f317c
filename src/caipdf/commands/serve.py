"""`caipdf serve`: the editor's desk, the issue live in the browser.

Builds as `caipdf watch` does and serves one page on http://127.0.0.1:PORT/
with every page of the issue in spreads, the articles' fill, the warnings
and errors, the preflight verdict and each edition's PDF; it updates on
every save (caipdf.desk).
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from caipdf.commands.build import add_issue_arguments
from caipdf.errors import CaipdfError, Problem

DEFAULT_PORT = 8019
DEFAULT_HOST = "127.0.0.1"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_issue_arguments(parser)
    parser.add_argument("--port", type=port, default=DEFAULT_PORT,
                        help=f"the port to serve on (default: {DEFAULT_PORT}; 0: any free one)")
    parser.add_argument("--host", help=f"the address to serve on (default: {DEFAULT_HOST}, "
                                       "this machine only); any other exposes the desk")


def port(text: str) -> int:
    """A --port value: 0 to 65535, refused in one line otherwise."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 0 to 65535")
    return int(text)


def run(args: argparse.Namespace) -> int:
    from caipdf.desk.desk import Desk
    from caipdf.desk.server import DeskServer

    host = args.host or DEFAULT_HOST
    output = args.output or Path("build") / f"{args.issue.stem}.pdf"
    desk = Desk(args.issue, output, args.profile, draft=args.draft)
    try:
        server = DeskServer(desk, host, args.port)
    except OSError as error:
        raise CaipdfError(Problem(None, f"cannot serve on {host}:{args.port}: {error.strerror}",
                                  "give another port with --port N (--port 0 takes a free one)"))
    address = f"[{host}]" if ":" in host else host
    print(f"caipdf: the desk is at http://{address}:{server.server_port}/ ; "
          f"watching {args.issue}, writing {output}; Ctrl-C stops", file=sys.stderr, flush=True)
    if args.host:
        print(f"caipdf: warning: serving on {host}, the desk is exposed to every machine that "
              "can reach this one (it is read-only, but it shows the issue before it is "
              "published)", file=sys.stderr, flush=True)
    stop = threading.Event()
    threading.Thread(target=server.serve_forever, name="desk-server", daemon=True).start()
    try:
        desk.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    print(f"caipdf: stopped serving; {output} is from the last good build", file=sys.stderr)
    return 0
