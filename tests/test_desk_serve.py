"""`guide serve` as a real process: it listens on 127.0.0.1 only, builds a PDF, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import stat
import urllib.request

from desk_server import DeskProcess, listening_addresses


def test_serve_listens_on_localhost_only_builds_and_stops_on_sigterm(tmp_path):
    log = tmp_path / "desk.sqlite"
    desk = DeskProcess(log)
    try:
        assert listening_addresses(desk.port) == ["0100007F"]  # 127.0.0.1, and nothing else
        req = urllib.request.Request(desk.url + "/api/guide", method="POST",
                                     data=json.dumps({"for": "José Muñoz", "sections": ["symptoms"]}).encode(),
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200 and r.headers["content-type"] == "application/pdf"
            assert r.read().startswith(b"%PDF-")
    finally:
        code, out, err = desk.stop()
    assert code == 0, err
    assert "Traceback" not in err and "Muñoz" not in out + err
    assert "POST /api/guide 200" in err
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
