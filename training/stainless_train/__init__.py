"""Training, evaluation and ONNX export of Stainless' bundled brightfield → Cell Painting models."""
