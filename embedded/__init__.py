"""The embedded stack: the platform on one machine, each part its own process on a loopback port, all data
in one directory. `jip stack` runs it, and the tests and benchmarks start it too.

- ports.py: each component's port; components.py: the object store, broker, database, the five services,
  the workspace and the checkpointer, each with its probe; supervisor.py: starts, tracks and stops them;
- objectstore.py: the S3-compatible store the broker keeps its log in; private.py: the data directory,
  its owner's alone; errors.py: StackError, the one-line error a user acts on (every `jip` command's);
- demo/: a whole inspection of any programme, played through the running services (`jip demo`)."""
