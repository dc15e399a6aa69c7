"""The procedure catalogue: administrative procedures (TTHC) with their versions, required
documents, fees and internal processes, as data that administrators edit and the public reads."""
