"""`qc-report simulate`: many nights with planted incidents, scored by the alerts they caused (DESIGN §7)."""
