"""The pages people use: sign-in, project list, project page."""
