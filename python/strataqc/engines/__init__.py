"""How qc-report reaches each engine: one small module per way of connecting (DESIGN §6)."""
