"""Running a build: the session and its named steps, the jobs sent to executors,
the output lock, and the search step after writing."""
