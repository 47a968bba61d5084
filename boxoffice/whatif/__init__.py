"""Forecasts as users ask for them: slates, scenarios and scenario files, people (casting and talent
value), comparable films. Imports the model floor; draws nothing (plots live in ``boxoffice.show``).
"""
