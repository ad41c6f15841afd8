"""Assessment: classifies households under the poverty standard in force, and runs the review."""
