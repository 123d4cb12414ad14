"""The investment pages: the city's month, a project's year, reports, reviews, checks."""

urlpatterns: list = []
