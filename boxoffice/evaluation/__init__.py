"""How good a model is: rolling time folds (one definition), the backtest and its metrics, tuning.

Imports the model floor and the store; nothing above.
"""
