"""小微企业园: park admission (入园准入), 亩均 grading, units and occupancy."""
