"""Small pieces shared by several apps."""
