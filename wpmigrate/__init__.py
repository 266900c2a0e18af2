"""wpmigrate: get a blog out of WordPress.

Read WXR exports into one model and write clean JSON, Markdown or SQL.
"""

__version__ = "0.1.0"
