"""Users and the five roles of DESIGN.md (市领导, 督查办, 部门, 镇街区, 系统管理员)."""
