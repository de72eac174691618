"""`newsarchive serve`: the dev server, the watcher, rebuilds and live reload."""
