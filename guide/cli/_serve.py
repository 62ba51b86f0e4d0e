"""`serve` arguments in; the advocate desk running (uvicorn) until stopped, and exit 0 out, or 2 for an unsafe setup."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import GuideError
from ._common import add_content, content_dir

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
TOKEN_ENV = "GUIDE_DESK_TOKEN"


class UnsafeSetup(GuideError):
    exit_code = 2


def add_arguments(p) -> None:
    add_content(p)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only). Any other address "
                        f"needs an access token (--token-file or {TOKEN_ENV})")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--token-file", metavar="PATH", default=None,
                   help=f"file holding the access token every request must carry (or set {TOKEN_ENV})")
    p.add_argument("--log", metavar="PATH", default=None,
                   help="handout log, SQLite (default: out/desk.sqlite); names and notes are never logged")
    p.add_argument("--no-log", action="store_true", help="keep no handout log")
    p.add_argument("--workers", type=int, default=None, help="build processes (default: one per core)")
    p.description = ("Start the advocate desk: a web page to choose, personalise, preview and print a copy. "
                     "Open the address it prints in a browser on this machine.")


def _token(args) -> str | None:
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UnsafeSetup(f"--token-file: cannot read {args.token_file}: {exc.strerror or exc}") from None
        if len(token) < 16:
            raise UnsafeSetup("--token-file: the token must be at least 16 characters")
        return token
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token and len(token) < 16:
        raise UnsafeSetup(f"{TOKEN_ENV}: the token must be at least 16 characters")
    return token or None


def _server_class():
    import contextlib

    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, except that a SIGTERM or Ctrl-C after a graceful shutdown exits 0.

        uvicorn raises the caught signal again once it has shut down, so the process would die of it
        (exit -15); a stop asked for is not a failure.
        """

        @contextlib.contextmanager
        def capture_signals(self):
            with super().capture_signals():
                yield
                self._captured_signals.clear()

    return Server


def run(args) -> int:
    import logging
    import socket

    import uvicorn

    from ..desk import DEFAULT_LOG, DeskConfig, create_app

    token = _token(args)
    if args.host not in LOCAL_HOSTS and token is None:
        raise UnsafeSetup(f"--host {args.host} would let other machines reach patients' names: give an access "
                          f"token with --token-file PATH or {TOKEN_ENV}, or leave --host at 127.0.0.1")
    log_path = None if args.no_log else Path(args.log) if args.log else DEFAULT_LOG
    config = DeskConfig(content_dir=content_dir(args).resolve(), token=token, log_path=log_path,
                        workers=args.workers)
    app = create_app(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    # bind first, so the address printed is the real one (port 0 picks a free port)
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        raise UnsafeSetup(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}") from None
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"advocate desk: open http://{shown}:{port}/ in a browser (Ctrl-C stops it)", flush=True)
    if token:
        print("access token required: sign in with it on the page, or send Authorization: Bearer", flush=True)
    print(f"handout log: {log_path}" if log_path else "handout log: off", flush=True)
    # uvicorn's own access log prints query strings; ours (guide.desk.access) prints path and status only
    server = _server_class()(uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on"))
    server.run(sockets=[sock])
    print("advocate desk stopped", flush=True)
    return 0
