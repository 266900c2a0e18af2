"""WordPress itself as the reference for the cleaner: differential tests of content rendering.

* ``harness.php`` and ``bootstrap.php``: WordPress's own rendering (Debian's ``wordpress``
  package under PHP), no database, no network, one process per run;
* :mod:`tests.oracle.wordpress`: runs the harness;
* :mod:`tests.oracle.cleaner`: the same stages through wpmigrate's cleaner;
* :mod:`tests.oracle.compare`: the normalisation both outputs go through, and the deliberate
  differences, each named with its reason (docs/wordpress-differences.md);
* :mod:`tests.oracle.agreement`: posts and comments of an export through both, tallied per stage.
"""
