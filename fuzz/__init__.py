"""Fuzzing wpmigrate: coverage-guided harnesses (atheris) and a mutation fuzzer over real exports.

Every harness takes bytes and fails only on a bug: any exception that is not
one of the library's own (:class:`~wpmigrate.errors.WpmigrateError`, which the
CLI turns into a clear message and exit code). ``python -m fuzz --help`` runs
them; docs/fuzzing.md says how, and how a crash becomes a fixture.
"""
