"""A local stand-in for the Hugging Face Hub, so that downloads, uploads and their failures are tested
without the internet.

It answers the routes huggingface_hub 2.4 uses for `hf_hub_download` (HEAD/GET
`/{repo}/resolve/{revision}/{file}`) and for `HfApi.create_repo`, `create_branch` and `create_commit` /
`upload_folder` (validate-yaml, preupload, commit). Every file is declared a regular (non-LFS) upload, so
the client sends contents inline in the commit. Repos live in memory as commits with 40-hex hashes.

Faults the tests switch on: `fail(status, route)` answers an HTTP error, `hang(route)` holds requests until
the client times out, `corrupt(path, data)` serves other bytes for a file (altered or truncated).

Point a client at it with `environment(home)` (for a subprocess: HF_ENDPOINT is read at import) or
`point_client(monkeypatch, home)` (in this process: huggingface_hub's constants are patched).
"""
import base64
import hashlib
import http.server
import json
import os
import threading
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

ROUTES = ("resolve", "create", "branch", "validate-yaml", "preupload", "commit", "info")


class Commit(NamedTuple):
    oid: str
    parent: str | None
    message: str
    files: dict  # path -> bytes, the whole tree at this commit


class Request(NamedTuple):
    method: str
    path: str
    route: str
    headers: dict  # names in lower case


def _commit_oid(parent, message, files):
    digest = hashlib.sha1(f"{parent}\n{message}\n".encode())
    for path in sorted(files):
        digest.update(f"{path}\0{hashlib.sha256(files[path]).hexdigest()}\n".encode())
    return digest.hexdigest()


class HubStandIn:
    """The Hub in memory on 127.0.0.1; use as a context manager or call start() / stop()."""

    def __init__(self):
        self.commits = {}  # oid -> Commit
        self.branches = {}  # repo_id -> {branch: oid}
        self.requests = []  # every request, for tests to check what was sent
        self._failures = {}  # route (None: every route) -> HTTP status
        self._hanging = set()  # routes (None: every route) whose requests are held
        self._corrupt = {}  # file path -> bytes served instead
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._server = None

    # --- running -----------------------------------------------------------------------------------
    def start(self):
        self._release.clear()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.stand_in = self
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self):
        """Close the port (later requests are refused) and let held requests go."""
        self._release.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        host, port = self._server.server_address
        return f"http://{host}:{port}"

    # --- faults ------------------------------------------------------------------------------------
    def fail(self, status=500, route=None):
        """Answer `status` to every request on `route` (one of ROUTES; None: all of them)."""
        self._failures[route] = status

    def hang(self, route=None):
        """Hold every request on `route` without answering, until heal() or stop()."""
        self._hanging.add(route)

    def corrupt(self, path, data):
        """Serve `data` as the body of file `path` (in any repo); HEAD still describes the real file."""
        self._corrupt[path] = data

    def heal(self):
        self._failures.clear()
        self._hanging.clear()
        self._corrupt.clear()
        self._release.set()
        self._release = threading.Event()

    # --- repos -------------------------------------------------------------------------------------
    def add_commit(self, repo_id, files, message="upload", branch="main", deleted=(), parent=None):
        """Commit files (path -> bytes) on top of the branch (created if needed); returns the commit's oid."""
        with self._lock:
            refs = self.branches.setdefault(repo_id, {})
            head = refs.get(branch)
            if parent is not None and parent != head:
                raise ValueError("parent commit is not the head of the branch")
            tree = dict(self.commits[head].files) if head else {}
            tree.update(files)
            for path in deleted:
                tree.pop(path, None)
            oid = _commit_oid(head, message, tree)
            self.commits[oid] = Commit(oid, head, message, tree)
            refs[branch] = oid
            return oid

    def head(self, repo_id, branch="main"):
        return self.branches[repo_id][branch]

    def history(self, repo_id, branch="main"):
        """The branch's commits, newest first."""
        oid, found = self.branches.get(repo_id, {}).get(branch), []
        while oid:
            found.append(self.commits[oid])
            oid = self.commits[oid].parent
        return found

    def resolve(self, repo_id, revision):
        """A branch name or commit oid -> the Commit, or None."""
        refs = self.branches.get(repo_id, {})
        oid = refs.get(revision, revision)
        commit = self.commits.get(oid)
        return commit if commit and oid in self._reachable(repo_id) else None

    def _reachable(self, repo_id):
        return {c.oid for branch in self.branches.get(repo_id, {}) for c in self.history(repo_id, branch)}

    # --- pointing clients at it --------------------------------------------------------------------
    def environment(self, home, etag_timeout=5, download_timeout=5):
        """Environment variables for a subprocess that should use this stand-in and a cache under `home`."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE_"))}
        env.update(HF_ENDPOINT=self.url, HF_HOME=str(home), HF_HUB_CACHE=os.path.join(home, "hub"),
                   HF_HUB_ETAG_TIMEOUT=str(etag_timeout), HF_HUB_DOWNLOAD_TIMEOUT=str(download_timeout),
                   HF_HUB_DISABLE_TELEMETRY="1", HF_HUB_DISABLE_PROGRESS_BARS="1")
        return env

    def point_client(self, monkeypatch, home, etag_timeout=5, download_timeout=5):
        """Make this process's huggingface_hub use the stand-in and a cache under `home`.

        huggingface_hub reads HF_ENDPOINT at import, so its constants are patched instead; the client reads
        them at call time.
        """
        from huggingface_hub import constants

        for name in [k for k in os.environ if k.startswith(("HF_", "HUGGINGFACE_"))]:
            monkeypatch.delenv(name)
        monkeypatch.setattr(constants, "ENDPOINT", self.url)
        template = self.url + "/{repo_id}/resolve/{revision}/{filename}"
        monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", template)
        monkeypatch.setattr(constants, "HF_HUB_CACHE", os.path.join(home, "hub"))
        monkeypatch.setattr(constants, "HF_TOKEN_PATH", os.path.join(home, "token"))
        monkeypatch.setattr(constants, "HF_STORED_TOKENS_PATH", os.path.join(home, "stored_tokens"))
        monkeypatch.setattr(constants, "AGENT_HARNESSES_PATH", os.path.join(home, ".agent_harnesses.json"))
        monkeypatch.setattr(constants, "HF_HUB_ETAG_TIMEOUT", etag_timeout)
        monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", download_timeout)


class _Handler(http.server.BaseHTTPRequestHandler):
    """One request: find its route, apply any fault, then answer from the stand-in's repos."""

    def log_message(self, *args):  # keep test output quiet
        pass

    @property
    def hub(self):
        return self.server.stand_in

    def do_HEAD(self):
        self._dispatch(body=False)

    def do_GET(self):
        self._dispatch(body=True)

    def do_POST(self):
        self._dispatch(body=True)

    def _dispatch(self, body):
        path = urlsplit(self.path).path
        route, params = _route(self.command, path)
        self.hub.requests.append(Request(self.command, path, route, {k.lower(): v for k, v in self.headers.items()}))
        payload = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else b""
        if route in self.hub._hanging or None in self.hub._hanging:
            self.hub._release.wait(timeout=60)
            return
        status = self.hub._failures.get(route, self.hub._failures.get(None))
        if status:
            return self._json(status, {"error": f"stand-in fault: HTTP {status}"}, body)
        if route is None:
            return self._json(404, {"error": f"the stand-in does not serve {self.command} {path}"}, body)
        getattr(self, "_" + route.replace("-", "_"))(params, payload, body)

    # --- answers -----------------------------------------------------------------------------------
    def _send(self, status, data, headers, body):
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _json(self, status, obj, body=True, headers=None):
        self._send(status, json.dumps(obj).encode(), {"Content-Type": "application/json", **(headers or {})}, body)

    def _not_found(self, code, message, body, headers=None):
        self._json(404, {"error": message}, body, {"X-Error-Code": code, "X-Error-Message": message, **(headers or {})})

    def _commit_or_404(self, repo_id, revision, body):
        if repo_id not in self.hub.branches:
            return self._not_found("RepoNotFound", "Repository not found", body)
        commit = self.hub.resolve(repo_id, revision)
        if commit is None:
            self._not_found("RevisionNotFound", "Invalid rev id: " + revision, body)
        return commit

    def _resolve(self, params, payload, body):
        repo_id, revision, filename = params
        commit = self._commit_or_404(repo_id, revision, body)
        if commit is None:
            return
        if filename not in commit.files:
            return self._not_found("EntryNotFound", "Entry not found", body, {"X-Repo-Commit": commit.oid})
        data = commit.files[filename]
        served = self.hub._corrupt.get(filename, data) if self.command == "GET" else data
        self._send(200, served, {"X-Repo-Commit": commit.oid, "ETag": f'"{hashlib.sha256(data).hexdigest()}"',
                                 "Content-Type": "application/octet-stream"}, body)

    def _info(self, params, payload, body):
        repo_id, revision = params
        commit = self._commit_or_404(repo_id, revision or "main", body)
        if commit:
            self._json(200, {"id": repo_id, "sha": commit.oid, "siblings": [{"rfilename": f} for f in commit.files]})

    def _create(self, params, payload, body):
        request = json.loads(payload or b"{}")
        repo_id = "/".join(filter(None, (request.get("organization"), request["name"])))
        url = f"{self.hub.url}/{repo_id}"
        if repo_id in self.hub.branches:
            return self._json(409, {"error": "You already created this model repo", "url": url})
        self.hub.add_commit(repo_id, {".gitattributes": b""}, message="initial commit")
        self._json(200, {"url": url, "name": repo_id})

    def _branch(self, params, payload, body):
        repo_id, branch = params
        start = json.loads(payload or b"{}").get("startingPoint") or "main"
        commit = self._commit_or_404(repo_id, start, body)
        if commit is None:
            return
        refs = self.hub.branches[repo_id]
        if branch in refs:
            return self._json(409, {"error": f"Reference {branch} already exists"})
        refs[branch] = commit.oid
        self._json(200, {})

    def _validate_yaml(self, params, payload, body):
        self._json(200, {"errors": [], "warnings": []})

    def _preupload(self, params, payload, body):
        repo_id, revision = params
        if self._commit_or_404(repo_id, revision, body) is None:
            return
        files = json.loads(payload)["files"]
        self._json(200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False, "oid": None}
                                   for f in files]})

    def _commit(self, params, payload, body):
        repo_id, revision = params
        if self._commit_or_404(repo_id, revision, body) is None:
            return
        lines = [json.loads(line) for line in payload.splitlines() if line.strip()]
        header = next(item["value"] for item in lines if item["key"] == "header")
        files, deleted = {}, []
        for item in lines:
            value = item["value"]
            if item["key"] == "file":
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "deletedFile":
                deleted.append(value["path"])
            elif item["key"] != "header":
                return self._json(400, {"error": f"the stand-in does not take {item['key']} operations"})
        try:
            oid = self.hub.add_commit(repo_id, files, header["summary"], revision, deleted, header.get("parentCommit"))
        except ValueError as error:
            return self._json(412, {"error": str(error)})
        self._json(200, {"success": True, "commitOid": oid, "commitUrl": f"{self.hub.url}/{repo_id}/commit/{oid}"})


def _route(method, path):
    """(route name, its parameters) for a request path, or (None, None)."""
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if method in ("HEAD", "GET") and "resolve" in parts[1:3]:
        at = parts.index("resolve", 1)
        return "resolve", ("/".join(parts[:at]), parts[at + 1], "/".join(parts[at + 2 :]))
    if parts[:1] != ["api"]:
        return None, None
    if method == "POST" and parts[1:] == ["repos", "create"]:
        return "create", ()
    if method == "POST" and parts[1:] == ["validate-yaml"]:
        return "validate-yaml", ()
    if parts[1:2] == ["models"] and len(parts) >= 4:
        repo_id, rest = "/".join(parts[2:4]), parts[4:]
        if method == "POST" and len(rest) == 2 and rest[0] in ("preupload", "commit", "branch"):
            return rest[0], (repo_id, rest[1])
        if method == "GET" and (not rest or rest[0] == "revision"):
            return "info", (repo_id, rest[1] if len(rest) > 1 else None)
    return None, None
