"""The YAML files a user writes (column mappings, scenario files), read as the text they wrote.

YAML 1.1 guesses types: ``country: NO`` (Norway) becomes False, a variant named ``yes`` becomes
True, ``title: 1984`` a number and ``release_date: 2027-07-16`` a date. Here every plain scalar
stays the text written; an empty value is nothing (None), and each field's own parser (money,
dates, minutes, yes/no) reads the text, as it does a CSV cell or a flag.
"""
from __future__ import annotations

import re
from functools import lru_cache

_MERGE = "tag:yaml.org,2002:merge"


@lru_cache(maxsize=1)
def text_loader():
    """A ``yaml.SafeLoader`` that resolves no scalar type but ``<<`` merges and empty values, and
    refuses a key given twice (YAML would keep the last silently)."""
    import yaml

    class TextLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:  # <<: *base, then own keys override it
                    continue
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, (list, dict)):
                    raise yaml.constructor.ConstructorError(None, None, "a key must be a name, not a list or mapping",
                                                            key_node.start_mark)
                if key in seen:
                    raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice", key_node.start_mark)
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    def timestamp(loader, node):
        """An explicit ``!!timestamp`` that does not exist (2027-13-45) is an error with its place."""
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
        except (ValueError, OverflowError):
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a date",
                                                    node.start_mark) from None

    TextLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag == _MERGE]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    TextLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
    TextLoader.add_constructor("tag:yaml.org,2002:timestamp", timestamp)
    return TextLoader
