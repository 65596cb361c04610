"""Compose stage: turn a filled document into positioned boxes, for slides and pages alike."""
