"""``python -m wpmigrate``."""

from wpmigrate.cli import main

main()
