"""The leader of a tool's process group (run by path, standard library only, so that it
starts in milliseconds): ``python -I -S group_leader.py <caller pid> <command...>``.

It runs the command inside its own group and waits for it. When the caller dies, by
SIGKILL too, Linux sends this leader SIGTERM (PR_SET_PDEATHSIG), and the leader kills
the whole group: the command and everything it started (Apertium's pipeline of
lt-proc, cg-proc, ...), which PDEATHSIG alone would not reach. SIGINT and SIGHUP do
the same. subprocesses.run kills the group itself on a timeout or an interruption."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def _kill_group(signum: int = 0, frame: object = None) -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)  # this leader goes with its group


def main(argv: list[str]) -> int:
    caller, command = int(argv[0]), argv[1:]
    if os.getpgrp() != os.getpid():  # started by hand: killing "its" group would kill others
        print(
            "group_leader.py must lead its own process group (start_new_session)", file=sys.stderr
        )
        return 2
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _kill_group)
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != caller:  # the caller died before the death signal was armed
        _kill_group()
    tool = os.fork()  # not subprocess: its import alone doubles the start-up time
    if tool == 0:  # same group; stdin, stdout and stderr inherited
        # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored across
        # exec: the tool gets the defaults back, as subprocess's restore_signals does.
        for name in ("SIGPIPE", "SIGXFSZ"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)
        try:
            os.execvp(command[0], command)
        except OSError as error:
            os.write(2, f"{command[0]}: {error.strerror}\n".encode())
        os._exit(127)
    returncode = os.waitstatus_to_exitcode(os.waitpid(tool, 0)[1])
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.killpg(os.getpgrp(), signal.SIGTERM)  # whatever the tool left behind goes with it
    return 128 - returncode if returncode < 0 else returncode  # killed by N: 128 + N


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
