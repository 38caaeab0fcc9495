"""What a recorded backward call means: replay by step, training-loop summaries, explanations."""
