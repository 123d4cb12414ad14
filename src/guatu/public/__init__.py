"""公开: what the city discloses to the public of its key projects (国办发〔2017〕94号)."""
