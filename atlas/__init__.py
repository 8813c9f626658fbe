"""MAT Practice Atlas core: load, validate, index and render the knowledge base without MkDocs."""
