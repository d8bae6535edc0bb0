"""External tools die with their whole process group: on a timeout, and when the caller
is interrupted or killed (SIGKILL included). Checked by pid, against /proc (Linux)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from locsvc.adapters.subprocesses import run
from locsvc.domain.errors import StageFailed, UnusableMedia

from ..helpers import group_members, pid_alive, wait_for

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc (Linux)")

LOCSVC = Path(__file__).parents[2] / "locsvc"


def family_script(record: Path) -> str:
    """A shell that starts two descendants (one a grandchild), then writes its group id
    and the three pids to ``record`` (last line 'ready') and waits for ever."""
    return (
        f"sleep 300 & echo $! >> {record}; "
        f"sh -c 'sleep 300 & wait' & echo $! >> {record}; "
        f"echo $$ >> {record}; "
        f"cut -d' ' -f5 /proc/$$/stat > {record}.group; "
        f"echo ready >> {record}; wait"
    )


def recorded(record: Path) -> tuple[int, list[int]] | None:
    lines = record.read_text().split() if record.exists() else []
    if lines[-1:] != ["ready"]:
        return None
    return int(Path(f"{record}.group").read_text()), [int(pid) for pid in lines[:-1]]


def test_output_input_and_exit_status_come_back():
    done = run(["sh", "-c", "cat; echo oops >&2; exit 3"], input="héllo", text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (3, "héllo", "oops\n")
    assert run(["printf", "\\001"], timeout=30).stdout == b"\x01"


def test_a_missing_tool_is_an_exit_status_with_its_name():
    done = run(["no-such-tool-here"], text=True, timeout=30)
    assert done.returncode == 127 and "no-such-tool-here" in done.stderr


def test_a_timeout_kills_the_whole_group(tmp_path):
    record = tmp_path / "pids"
    with pytest.raises(StageFailed, match="sh ran past its limit of 5 s"):
        run(["sh", "-c", family_script(record)], timeout=5)
    group, pids = recorded(record) or pytest.fail("the family never started")
    assert len(pids) == 3
    wait_for(lambda: not any(map(pid_alive, pids)), 10, f"pids {pids} to end")
    wait_for(lambda: group_members(group) == [], 10, f"group {group} to end")


def test_the_timeout_error_is_the_callers_choice():
    with pytest.raises(UnusableMedia, match="ran past"):
        run(["sleep", "60"], timeout=0.5, timeout_error=UnusableMedia)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=lambda s: s.name)  # fmt: skip
def test_the_group_dies_with_its_caller(tmp_path, how):
    record = tmp_path / "pids"
    caller = subprocess.Popen(
        [sys.executable, "-c", "import sys; from locsvc.adapters.subprocesses import run; "
         "run(['sh', '-c', sys.argv[1]], timeout=600)", family_script(record)],
        cwd=LOCSVC.parent,
    )  # fmt: skip
    try:
        group, pids = wait_for(lambda: recorded(record), 60, "the tool's family to start")
        assert group_members(group)  # running, in a group of its own
        caller.send_signal(how)
        caller.wait(timeout=30)
        wait_for(lambda: not any(map(pid_alive, pids)), 10, f"pids {pids} to end")
        wait_for(lambda: group_members(group) == [], 10, f"group {group} to end")
    finally:
        caller.kill()
        caller.wait()


def test_every_adapter_runs_its_tools_through_run():
    """Nothing below the command line starts a process another way (the CLI's own
    processes, a worker and the server's preparation, are not tools)."""
    allowed = {"subprocesses.py", "group_leader.py"}
    offenders = [
        str(path.relative_to(LOCSVC))
        for path in LOCSVC.rglob("*.py")
        if path.name not in allowed
        and "cli" not in path.relative_to(LOCSVC).parts[:1]
        and any(
            call in path.read_text()
            for call in ("subprocess.run(", "subprocess.Popen(", "subprocess.check_", "os.system(")
        )
    ]
    assert offenders == []


def test_the_tool_gets_default_signal_dispositions():
    """Python ignores SIGPIPE; a tool must not inherit that (a pipeline would then write
    into a closed pipe for ever instead of ending)."""
    done = run(["sh", "-c", "grep -E '^Sig(Ign|Cgt)' /proc/self/status"], text=True, timeout=30)
    ignored = int(done.stdout.split("SigIgn:")[1].split()[0], 16)
    assert not ignored & (1 << (signal.SIGPIPE - 1))
