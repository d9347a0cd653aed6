"""The sync's coordination of blobs between its images (engine/sync.py _Uploads, _SharedDestination).

docker-registry writes a repository's blob link in place, so a HEAD that meets another image's mount or
upload commit of the same blob reads a truncated link and answers 500, which the client retries after a
second. The race depends on the registry's disk timing and cannot be produced on demand, so these tests put a
stand-in destination under the coordinator and count how many images ask about one blob at the same time.
"""

from __future__ import annotations

import threading
import time

from engine.digest import Digest
from engine.progress import CancelToken as Cancel
from engine.sync import _SharedDestination, _Uploads

BLOB = Digest("sha256:" + "ab" * 32)


class _Client:
    host = "127.0.0.1:5000"


class _StandIn:
    """Records how many callers are inside has_blob (a HEAD, maybe a mount) for a digest at once."""

    description, families, accepts_index, multi_image, compression = "stand-in", ("oci",), False, False, None
    uploads, plans_layout, sequential, config_any_time = True, False, False, True

    def __init__(self, shared: dict, repo: str = "m/app") -> None:
        self.client = _Client()
        self.repo = repo
        self.shared = shared

    def size_seen(self, digest) -> int:
        return 1

    def has_blob(self, digest) -> bool:
        with self.shared["lock"]:
            self.shared["inside"] += 1
            self.shared["asked"] = self.shared.get("asked", 0) + 1
            self.shared["most"] = max(self.shared["most"], self.shared["inside"])
        time.sleep(0.05)
        with self.shared["lock"]:
            self.shared["inside"] -= 1
            found = self.shared["sent"]
        return found

    def put_blob_file(self, path, offset, size, digest, on_bytes=None) -> bool:
        time.sleep(0.05)
        self.shared["sent"] = True
        return True

    def commit(self) -> None:
        pass

    def abort(self) -> None:
        pass


def test_one_image_at_a_time_asks_about_a_blob_and_the_others_find_it_sent():
    shared = {"lock": threading.Lock(), "inside": 0, "most": 0, "sent": False}
    coord = _Uploads()
    outcomes: list[str] = []

    def image() -> None:
        dest = _SharedDestination(_StandIn(shared), coord, Cancel())
        if dest.has_blob(BLOB):
            outcomes.append("found")
        else:
            dest.put_blob_file("/nonexistent", 0, 1, BLOB)
            outcomes.append("sent")
        dest.commit()

    threads = [threading.Thread(target=image) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert shared["most"] == 1  # before: every image's HEAD ran at once, and raced the upload's commit
    assert sorted(outcomes) == ["found", "found", "found", "sent"]
    assert shared["asked"] == 1  # the others take the blob this sync sent as there, without a HEAD


def test_a_blob_found_in_one_repository_is_asked_about_again_only_for_another():
    shared = {"lock": threading.Lock(), "inside": 0, "most": 0, "sent": True}
    coord = _Uploads()
    for repo in ("m/app", "m/app", "m/app", "m/other"):
        dest = _SharedDestination(_StandIn(shared, repo), coord, Cancel())
        assert dest.has_blob(BLOB)
        assert dest.blob_size(BLOB) == 1
        dest.commit()
    assert shared["asked"] == 2  # once in m/app, once in m/other


def test_an_image_ending_does_not_release_a_blob_another_image_holds_now():
    coord = _Uploads()
    key = (_Client.host, str(BLOB))
    first = _SharedDestination(_StandIn({"lock": threading.Lock(), "inside": 0, "most": 0, "sent": False}),
                               coord, Cancel())
    assert not first.has_blob(BLOB)  # held by this thread
    coord.release_thread(_Client.host)  # its upload committed
    held_by_other = threading.Event()
    done = threading.Event()

    def other() -> None:
        coord.claim(key, Cancel())
        held_by_other.set()
        done.wait(5)
        coord.release_thread(_Client.host)  # its upload committed

    t = threading.Thread(target=other)
    t.start()
    assert held_by_other.wait(5)
    first.commit()  # releases what `first` still holds: nothing, since the other image holds the blob now
    waiter_got_it = threading.Event()
    w = threading.Thread(target=lambda: (coord.claim(key, Cancel()), waiter_got_it.set()))
    w.start()
    assert not waiter_got_it.wait(0.3)
    done.set()
    t.join(5)
    assert waiter_got_it.wait(5)
    w.join(5)
