"""Backup and restore of a whole workspace (`manage.py backup`, `manage.py restore`): one tar archive with the
database's one snapshot, every uploaded file and a manifest of checksums. `archive` reads and writes the tar,
`databases` dumps and loads each engine, `workspace` puts the two together for the commands."""
