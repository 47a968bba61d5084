"""The film table: its schema, one adapter per public file, a user's mapped CSV, linkage, build and io.

The lowest floor above ``errors``, ``units`` and ``names``: it imports nothing of the model.
"""
