"""Every external tool locsvc runs (Apertium, ffmpeg, ffprobe, espeak-ng) runs through
run(): in a process group of its own, killed with the whole group when it runs past its
timeout, when the caller is interrupted (KeyboardInterrupt, a Celery time limit), and,
on Linux, when the caller dies, even by SIGKILL (group_leader.py).

subprocess.run alone kills only the direct child on a timeout, and nothing when the
caller dies: a killed `locsvc translate` left Apertium's pipeline running 20 minutes.
The death signal follows the thread that started the tool; run() blocks that thread
until the tool is done, so it cannot end first."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..domain.errors import LocsvcError, StageFailed

GROUP_LEADER = Path(__file__).with_name("group_leader.py")


def run(
    command: Sequence[str],
    *,
    timeout: float,
    input: str | bytes | None = None,  # noqa: A002 - subprocess.run's own name
    text: bool = False,
    timeout_error: type[LocsvcError] = StageFailed,
) -> subprocess.CompletedProcess[Any]:
    """Run ``command`` to completion and capture its output, like subprocess.run with
    capture_output; ``timeout_error`` when it runs past ``timeout`` seconds."""
    leader = [sys.executable, "-I", "-S", str(GROUP_LEADER), str(os.getpid()), *command]
    with subprocess.Popen(
        leader,
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=text,
        start_new_session=True,  # its own session and group: the group id is its pid
    ) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired as expired:
            kill_group(process)
            raise timeout_error(
                f"{Path(command[0]).name} ran past its limit of {timeout:g} s and was stopped.",
                timeout_s=timeout,
            ) from expired
        except BaseException:
            kill_group(process)
            raise
    return subprocess.CompletedProcess(list(command), process.returncode, stdout, stderr)


def kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the leader's whole group, then reap the leader. The leader is not reaped
    before this, so its pid (the group id) cannot have been reused."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def exit_with_parent(parent_pid: int) -> None:
    """Make this process receive SIGTERM when ``parent_pid`` (the process that started it)
    dies, by SIGKILL too (Linux; elsewhere a no-op): the worker that `locsvc up` starts
    then shuts down warmly instead of running on alone. Called by the child itself, so no
    preexec_fn is needed in a threaded parent."""
    if sys.platform != "linux":
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        os.kill(os.getpid(), signal.SIGTERM)
