"""The reference forecasting model, user models, baselines, metrics, gates and attribution."""
