"""Room in memory, checked before a picture is decoded: what would not fit is refused at once with a reason,
rather than the system killing the process halfway (the app, and every page it serves, with it)."""

# The most one picture's colorization holds at once, per input pixel: 9-19 bytes measured on 4 and 16 MP gray
# inputs (AMD EPYC, 6 Dec 2026, docs/RELIABILITY.md), RGB decoding and the app's previews on top.
BYTES_PER_PIXEL = 48
_MEMINFO = "/proc/meminfo"
_CGROUP_LIMITS = (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),  # cgroup v2
                  ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"))


def _number(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):  # absent, or "max": no limit there
        return None


def free_memory():
    """Bytes this process may still take: the least of the system's available memory and its container's
    room; None where neither can be read."""
    room = []
    try:
        with open(_MEMINFO) as f:
            room += [int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:")]
    except (OSError, ValueError, IndexError):
        pass
    for limit_path, usage_path in _CGROUP_LIMITS:
        limit, usage = _number(limit_path), _number(usage_path)
        if limit is not None and usage is not None and limit < 1 << 60:  # v1 says "no limit" with a huge number
            room.append(max(0, limit - usage))
    return min(room) if room else None


def shortfall(pixels):
    """(bytes needed, bytes free) when a picture of this many pixels would not fit now, else None."""
    free = free_memory()
    needed = BYTES_PER_PIXEL * pixels
    return (needed, free) if free is not None and needed > free else None


def in_words(size):
    """Bytes as people read them: "740 MB", "2.4 GB"."""
    return f"{size / 2**20:,.0f} MB" if size < 2**30 else f"{size / 2**30:.1f} GB"
