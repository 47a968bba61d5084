"""The ``boxoffice`` command line (installed as ``boxoffice_cli``): a thin shell over the library."""
