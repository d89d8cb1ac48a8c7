"""Take away a process's ability to open network connections: a seccomp filter that makes `socket()`
(and the other ways to make a new socket) fail with EACCES.

Query workers install it before they run any query, so a query that reaches pyoxigraph's SERVICE client
(however it is spelled) cannot contact anything: "no outbound connection" is a property of the process, not
of a check of the query's text. The worker keeps the socket to its web worker, which it already holds.

Unprivileged: a process may always restrict itself after PR_SET_NO_NEW_PRIVS (Linux >= 3.5); no root, no
namespaces. The filter is a few classic-BPF instructions written here because the standard library has no
seccomp binding: check the architecture (an unknown one is denied networking entirely by refusing the
install), then compare the system call number.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
X32_SYSCALL_BIT = 0x40000000

# BPF opcodes: load a word at an absolute offset of seccomp_data; jump if equal / if greater or equal; return
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_RET_K = 0x06
OFFSET_NR = 0
OFFSET_ARCH = 4

# (audit architecture, system calls that create sockets or rings that could) per machine
ARCHITECTURES = {
    "x86_64": (0xC000003E, {"socket": 41, "socketpair": 53, "io_uring_setup": 425}),
    "aarch64": (0xC00000B7, {"socket": 198, "socketpair": 199, "io_uring_setup": 425}),
}


class SandboxUnavailable(Exception):
    """This kernel or machine cannot install the filter."""


def _instruction(code: int, jump_true: int, jump_false: int, value: int) -> bytes:
    return struct.pack("HBBI", code, jump_true, jump_false, value)


def network_filter(arch: str) -> bytes:
    """The BPF program for `arch`: deny the socket-making calls with EACCES, allow everything else."""
    if arch not in ARCHITECTURES:
        raise SandboxUnavailable(f"no seccomp filter for the {arch} architecture")
    audit_arch, calls = ARCHITECTURES[arch]
    denied = sorted(calls.values())
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    program = [
        _instruction(BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        _instruction(BPF_JEQ_K, 1, 0, audit_arch),
        _instruction(BPF_RET_K, 0, 0, deny),  # another ABI in this process: refuse every call of it
        _instruction(BPF_LD_W_ABS, 0, 0, OFFSET_NR),
    ]
    if arch == "x86_64":  # the x32 ABI shares the architecture value: refuse it whole
        program.append(_instruction(BPF_JGE_K, len(denied) + 1, 0, X32_SYSCALL_BIT))
    for index, number in enumerate(denied):
        program.append(_instruction(BPF_JEQ_K, len(denied) - index, 0, number))
    program.append(_instruction(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    program.append(_instruction(BPF_RET_K, 0, 0, deny))
    return b"".join(program)


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def deny_network() -> None:
    """Install the filter in this process (inherited by every child it forks); raise SandboxUnavailable."""
    program = network_filter(platform.machine())
    libc = ctypes.CDLL(None, use_errno=True)  # this process's own symbols: libc's among them
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.cast(buffer, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(NO_NEW_PRIVS) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise SandboxUnavailable(f"prctl(SECCOMP) failed: {errno.errorcode.get(ctypes.get_errno(), '?')}")
