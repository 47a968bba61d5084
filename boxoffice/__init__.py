"""boxoffice: pre-release box-office forecasts with honest ranges and break-even risk.

The library is the product; the ``boxoffice`` command is a thin shell over it.
Heavy libraries (pandas, lightgbm) are imported only where they are used.
"""
__version__ = "0.1.0"
