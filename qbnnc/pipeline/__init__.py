"""Compiling: the one place that knows the stage order (`compiler`), and the `Program`
façade users hold over a compiled model and its views."""
