"""Writing a file so that no reader ever sees half of it (papers, the cut fonts). No Django here: set-up's font
cutting imports it before any settings exist."""

import os
import tempfile


def write_atomically(path, data: bytes):
    """Write `data` to `path`: into a temporary file of the same folder first, then moved into place (a rename,
    which replaces the old file at once); nothing is left behind when the write fails."""
    path = os.fspath(path)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=os.path.basename(path) + ".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
