"""The rendering stages: the model to HTML, HTML to a laid-out document, to PDF."""
