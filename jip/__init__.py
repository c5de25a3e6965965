"""The `jip` command: cli.py parses the command line; commands/ holds a module per service or area, listed
in commands/__init__.py; client.py is the one HTTP client of the services, render.py how answers are shown,
and options.py the arguments several commands share. The embedded stack it runs is in embedded/."""
