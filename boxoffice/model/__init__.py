"""From films to forecasts: features and as-of track records, the revenue model with its calibration,
the forest scorer and its tree checks, the baseline, explanations, and the ``Forecaster`` over them.

Imports the table floor, never evaluation, what-if or show.
"""
