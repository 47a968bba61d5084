"""boxoffice: pre-release box-office forecasts with honest ranges and break-even risk.

The library is the product; the ``boxoffice`` command is a thin shell over it.
Heavy libraries (pandas, lightgbm) are imported only where they are used.
"""
from boxoffice.break_even import MULTIPLE as _BREAK_EVEN_MULTIPLE

__version__ = "0.1.0"


def default_forecaster(name: str = "default", home=None):
    """The stored model ``name`` of the workspace (``home``, else BOXOFFICE_HOME, else this clone).

    Raises ``ModelStoreError`` when there is none yet: run ``boxoffice train`` first.
    """
    from boxoffice.store import ModelStore
    from boxoffice.workspace import resolve_workspace

    return ModelStore(resolve_workspace(home=home).models_dir).load(name)


def compare(base, variants, forecaster=None, break_even_multiple: float = _BREAK_EVEN_MULTIPLE):
    """Score a base film and named variants: one row per scenario, base first (see ``boxoffice.whatif.scenarios``).

    ``boxoffice.compare({"genre": "action", "budget": "150m"}, {"leaner": {"budget": "90m"}})``;
    without ``forecaster`` the workspace's default model is loaded.
    """
    from boxoffice.whatif.scenarios import compare as _compare

    return _compare(base, variants, forecaster if forecaster is not None else default_forecaster(), break_even_multiple)
