"""Tests of scripts/prune-images.py, the pipeline's registry retention job.

GitLab does not run here, so the HTTP tests talk to a small in-process server that answers
the four registry endpoints the script uses the way GitLab's API documents them (paged with
X-Next-Page, PRIVATE-TOKEN authentication, 404 for unknown tags).

    python3 -m unittest discover -s tests/release -v
"""
import datetime
import http.server
import importlib.util
import json
import os
import threading
import unittest
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("prune_images", os.path.join(ROOT, "scripts", "prune-images.py"))
prune_images = importlib.util.module_from_spec(spec)
spec.loader.exec_module(prune_images)

NOW = datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)
TOKEN = "glpat-test-token"


class ReleaseCandidateSelection(unittest.TestCase):
    def test_the_newest_three_release_candidates_by_version_are_kept(self):
        tags = ["v0.9.0-rc1", "v0.9.0-rc2", "v0.9.0-rc10", "v0.9.0-rc3", "v0.10.0-rc1"]
        self.assertEqual(prune_images.release_candidates_to_delete(tags), ["v0.9.0-rc2", "v0.9.0-rc1"])

    def test_releases_commits_and_other_tags_are_never_selected(self):
        tags = ["v0.9.0", "v1.0.0", "latest", "3f2c1a9e", "ci-123", "v0.9.0-rc1-hotfix"]
        self.assertEqual(prune_images.release_candidates_to_delete(tags), [])

    def test_three_or_fewer_release_candidates_are_all_kept(self):
        self.assertEqual(prune_images.release_candidates_to_delete(["v1.0.0-rc1", "v1.0.0-rc2"]), [])


class StagingTagAge(unittest.TestCase):
    def test_a_staging_tag_older_than_a_week_is_stale(self):
        self.assertTrue(prune_images.is_stale_staging_tag("ci-42", "2026-11-18T11:00:00.000+00:00", NOW))

    def test_a_recent_staging_tag_is_kept(self):
        self.assertFalse(prune_images.is_stale_staging_tag("ci-42", "2026-11-25T11:00:00Z", NOW))

    def test_only_staging_tags_can_be_stale(self):
        self.assertFalse(prune_images.is_stale_staging_tag("v0.1.0", "2020-01-01T00:00:00Z", NOW))


class FakeRegistryApi(http.server.BaseHTTPRequestHandler):
    """GitLab's registry endpoints over an in-memory {repository id: {tag: created_at}}."""

    repositories = {}
    names = {}
    page_size = 2
    deleted = []

    def log_message(self, *args):
        pass

    def _send(self, status, body=None, next_page=""):
        payload = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("X-Next-Page", next_page)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _paged(self, items, query):
        page = int(query.get("page", ["1"])[0])
        start = (page - 1) * self.page_size
        more = start + self.page_size < len(items)
        self._send(200, items[start:start + self.page_size], str(page + 1) if more else "")

    def _route(self):
        if self.headers.get("PRIVATE-TOKEN") != TOKEN:
            self._send(401, {"message": "401 Unauthorized"})
            return None
        url = urllib.parse.urlparse(self.path)
        parts = [urllib.parse.unquote(part) for part in url.path.split("/")]
        # /api/v4/projects/<id>/registry/repositories[/<repo>/tags[/<tag>]]
        return parts[7:], urllib.parse.parse_qs(url.query)

    def do_GET(self):
        routed = self._route()
        if routed is None:
            return
        rest, query = routed
        if not rest:
            self._paged([{"id": rid, "name": name} for rid, name in self.names.items()], query)
        elif len(rest) == 2:
            self._paged([{"name": tag} for tag in self.repositories[int(rest[0])]], query)
        elif rest[2] in self.repositories[int(rest[0])]:
            self._send(200, {"name": rest[2], "created_at": self.repositories[int(rest[0])][rest[2]]})
        else:
            self._send(404, {"message": "404 Tag Not Found"})

    def do_DELETE(self):
        routed = self._route()
        if routed is None:
            return
        rest, _ = routed
        tags = self.repositories[int(rest[0])]
        if rest[2] not in tags:
            self._send(404, {"message": "404 Tag Not Found"})
            return
        del tags[rest[2]]
        self.deleted.append(f"{self.names[int(rest[0])]}:{rest[2]}")
        self._send(200)


class PruneAgainstTheApi(unittest.TestCase):
    def setUp(self):
        old, recent = "2026-11-01T00:00:00Z", "2026-11-26T10:00:00Z"
        FakeRegistryApi.names = {1: "backend", 2: "frontend", 3: "cache"}
        FakeRegistryApi.repositories = {
            1: {"v0.9.0-rc1": old, "v0.9.0-rc2": old, "v0.9.0-rc3": old, "v0.9.0-rc4": recent,
                "v0.8.0": old, "ci-7": old, "ci-9": recent, "0123abcd": old},
            2: {"v0.9.0-rc1": old, "ci-7": old},
            3: {"v0.9.0-rc1": old, "v0.9.0-rc2": old, "v0.9.0-rc3": old, "v0.9.0-rc4": old},
        }
        FakeRegistryApi.deleted = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeRegistryApi)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.api = f"http://127.0.0.1:{self.server.server_port}/api/v4"

    def tearDown(self):
        self.server.shutdown()
        self.server.server_close()

    def test_old_release_candidates_and_stale_staging_tags_are_deleted_per_service(self):
        gitlab = prune_images.GitLab(self.api, "group/lifeboat", TOKEN)
        deleted = prune_images.prune(gitlab, NOW, log=lambda _: None)
        expected = ["backend:v0.9.0-rc1", "backend:ci-7", "frontend:ci-7"]
        self.assertEqual(sorted(deleted), sorted(expected))
        self.assertEqual(sorted(FakeRegistryApi.deleted), sorted(expected))
        self.assertEqual(sorted(FakeRegistryApi.repositories[1]),
                         sorted(["v0.9.0-rc2", "v0.9.0-rc3", "v0.9.0-rc4", "v0.8.0", "ci-9", "0123abcd"]))
        self.assertEqual(len(FakeRegistryApi.repositories[3]), 4, "the build cache is not a service")

    def test_a_dry_run_deletes_nothing(self):
        gitlab = prune_images.GitLab(self.api, "group/lifeboat", TOKEN)
        lines = []
        would = prune_images.prune(gitlab, NOW, dry_run=True, log=lines.append)
        self.assertEqual(len(would), 3)
        self.assertEqual(FakeRegistryApi.deleted, [])
        self.assertIn("  would delete backend:v0.9.0-rc1", lines)

    def test_a_wrong_token_stops_the_job_with_an_error(self):
        gitlab = prune_images.GitLab(self.api, "group/lifeboat", "wrong")
        with self.assertRaises(Exception) as raised:
            prune_images.prune(gitlab, NOW, log=lambda _: None)
        self.assertIn("401", str(raised.exception))


if __name__ == "__main__":
    unittest.main()
