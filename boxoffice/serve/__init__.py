"""``boxoffice serve``: a JSON API and a scenario-builder page over the library, a thin shell like ``cli/``.

Every endpoint calls the functions the CLI calls (``boxoffice.whatif``) and answers in the shape of the
CLI's ``--json`` (``boxoffice.units.json_ready``). Every asset ships in ``static/``: nothing is fetched
from another host.
"""
