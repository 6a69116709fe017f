"""Themes stage: the codebook, the theme coder's training and its evaluation."""
