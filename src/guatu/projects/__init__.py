"""Key projects (重点项目), their task forces, work items, milestones and links."""
