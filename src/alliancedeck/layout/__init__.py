"""Layout stage: turn a resolved document into positioned boxes (slides) or styled flowables."""
