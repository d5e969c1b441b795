#!/usr/bin/env python3
"""Registry retention for the GitLab pipeline's scheduled `prune-images` job.

For each service's image repository in the project's container registry:
- keeps the newest 3 release-candidate tags (`vX.Y.Z-rcN`, ordered by version) and deletes
  older ones;
- deletes the pipeline's staging tags (`ci-<pipeline id>`, pushed by the build job and
  re-tagged by publish) that are older than 7 days.
Release tags (`vX.Y.Z`), commit tags and the build cache are never touched.

Talks to the GitLab REST API (v4) with a project access token (scope `api`, role
Maintainer) in REGISTRY_CLEANUP_TOKEN; CI_API_V4_URL and CI_PROJECT_ID come from GitLab.

    scripts/prune-images.py            delete
    scripts/prune-images.py --dry-run  only say what would go
"""
import argparse
import datetime
import json
import os
import re
import sys
import urllib.parse
import urllib.request

SERVICES = ("model-service", "backend", "frontend")
KEEP_RELEASE_CANDIDATES = 3
STAGING_MAX_AGE = datetime.timedelta(days=7)
RC_TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-rc(\d+)$")
STAGING_TAG = re.compile(r"^ci-\d+$")
TIMEOUT_S = 30


def release_candidates_to_delete(tags, keep=KEEP_RELEASE_CANDIDATES):
    """The rc tags beyond the newest `keep`, by version (v0.10.0-rc1 is newer than v0.9.0-rc7)."""
    candidates = []
    for tag in tags:
        match = RC_TAG.match(tag)
        if match:
            candidates.append((tuple(int(part) for part in match.groups()), tag))
    candidates.sort(reverse=True)
    return [tag for _, tag in candidates[keep:]]


def is_stale_staging_tag(tag, created_at, now, max_age=STAGING_MAX_AGE):
    """A `ci-<pipeline>` tag created more than `max_age` before `now`."""
    if not STAGING_TAG.match(tag) or not created_at:
        return False
    created = datetime.datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    return now - created > max_age


class GitLab:
    def __init__(self, api_url, project_id, token):
        self.base = f"{api_url.rstrip('/')}/projects/{urllib.parse.quote(str(project_id), safe='')}"
        self.token = token

    def _request(self, method, path, query=None):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        request = urllib.request.Request(url, method=method, headers={"PRIVATE-TOKEN": self.token})
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            body = response.read()
            return (json.loads(body) if body else None), response.headers

    def _pages(self, path):
        page = "1"
        while page:
            items, headers = self._request("GET", path, {"per_page": 100, "page": page})
            yield from items
            page = headers.get("X-Next-Page", "")

    def repositories(self):
        return list(self._pages("/registry/repositories"))

    def tags(self, repository_id):
        return [tag["name"] for tag in self._pages(f"/registry/repositories/{repository_id}/tags")]

    def tag_created_at(self, repository_id, tag):
        details, _ = self._request("GET", self._tag_path(repository_id, tag))
        return details.get("created_at")

    def delete_tag(self, repository_id, tag):
        self._request("DELETE", self._tag_path(repository_id, tag))

    @staticmethod
    def _tag_path(repository_id, tag):
        return f"/registry/repositories/{repository_id}/tags/{urllib.parse.quote(tag, safe='')}"


def prune(gitlab, now, dry_run=False, log=print):
    """Deletes what the retention rules say must go; returns the deleted `service:tag`s."""
    deleted = []
    for repository in gitlab.repositories():
        service = repository.get("name")
        if service not in SERVICES:
            continue
        tags = gitlab.tags(repository["id"])
        doomed = release_candidates_to_delete(tags)
        doomed += [tag for tag in tags if STAGING_TAG.match(tag)
                   and is_stale_staging_tag(tag, gitlab.tag_created_at(repository["id"], tag), now)]
        kept = len(tags) - len(doomed)
        log(f"{service}: {len(tags)} tags, deleting {len(doomed)}, keeping {kept}")
        for tag in doomed:
            log(f"  {'would delete' if dry_run else 'delete'} {service}:{tag}")
            if not dry_run:
                gitlab.delete_tag(repository["id"], tag)
            deleted.append(f"{service}:{tag}")
    return deleted


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="only print what would be deleted")
    args = parser.parse_args()
    missing = [name for name in ("CI_API_V4_URL", "CI_PROJECT_ID", "REGISTRY_CLEANUP_TOKEN")
               if not os.environ.get(name)]
    if missing:
        sys.exit(f"set {', '.join(missing)} (see the comment at the top of .gitlab-ci.yml)")
    gitlab = GitLab(os.environ["CI_API_V4_URL"], os.environ["CI_PROJECT_ID"],
                    os.environ["REGISTRY_CLEANUP_TOKEN"])
    prune(gitlab, datetime.datetime.now(datetime.timezone.utc), dry_run=args.dry_run)


if __name__ == "__main__":
    main()
