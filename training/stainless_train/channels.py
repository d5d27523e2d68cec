"""Channel names and JUMP Phenix numbering (mirrors src/shared/channels.ts)."""

PAINT = ["DNA", "ER", "RNA", "AGP", "Mito"]
BOUNDARY = ["NucleiBoundary", "CellBoundary"]
OUTPUTS = PAINT + BOUNDARY
BRIGHTFIELD = ["BFLow", "BF", "BFHigh"]

# JUMP cpg0000 Phenix export: chN -> channel name
PHENIX = {1: "Mito", 2: "AGP", 3: "RNA", 4: "ER", 5: "DNA", 6: "BFHigh", 7: "BFLow", 8: "BF"}
PHENIX_BY_NAME = {v: k for k, v in PHENIX.items()}
