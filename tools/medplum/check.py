"""Post a screener FHIR export twice to a FHIR server and say what the server kept.

A manual check, not part of CI (see README.md here): each entry is a conditional create on its
identifier, so the second post must create nothing, and a search by each identifier must find
exactly one resource, its identifier stored as written. Standard library only.

    python check.py EXPORT.fhir.json [BASE_URL]     # BASE_URL: http://127.0.0.1:8103
"""

from __future__ import annotations

import copy
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any


def call(base: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/fhir+json"}
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, json.load(reply)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")[:300]


def identifier(resource: dict[str, Any]) -> dict[str, str]:
    found = resource["identifier"]
    return found[0] if isinstance(found, list) else found


def main() -> int:
    bundle = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    base = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8103"
    for n in (1, 2):
        status, reply = call(base, "POST", "/", copy.deepcopy(bundle))
        statuses = [e["response"]["status"] for e in reply["entry"]] if status == 200 else reply
        print(f"post {n}: HTTP {status}, entries {statuses}")
    ok = True
    for entry in bundle["entry"]:
        resource = entry["resource"]
        ident = identifier(resource)
        query = urllib.parse.urlencode({"identifier": f"{ident['system']}|{ident['value']}"})
        _status, found = call(base, "GET", f"/{resource['resourceType']}?{query}")
        kept = [e["resource"] for e in found.get("entry", [])]
        stored = [identifier(r)["value"] for r in kept]
        print(f"{resource['resourceType']} {ident['value']}: {len(kept)} kept, stored as {stored}")
        ok = ok and stored == [ident["value"]]
    print("one copy of each, found by identifier" if ok else "NOT one copy of each")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
