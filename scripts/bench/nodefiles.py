"""What benchmark scripts read from a running node's data directory."""
import os, sys, time


def wait_for(path, deadline=120):
    """The contents of `path` (rpc.addr, .cookie, http.addr…) once the node has written
    it; exits naming the file if it never appears."""
    end = time.time() + deadline
    while time.time() < end:
        if os.path.exists(path) and open(path).read().strip():
            return open(path).read().strip()
        time.sleep(0.05)
    sys.exit(f"{path} never appeared")
