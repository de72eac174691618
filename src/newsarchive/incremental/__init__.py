"""What makes a rebuild proportional to the change: the cache (store), the saved
build (memory), the digests (keys), the one decision (delta) and the fast
paths that carry it out (fastpath)."""
