"""Organisation PowerPoint templates: loaded as untrusted input, read, and mapped to deck roles.

Nothing here imports python-pptx or lxml at import time; `package` checks and cleans the file,
`inspect` reads it with python-pptx, `roles` maps the deck's slide roles to its layouts.
"""
