"""The public site (cổng dịch vụ công) of the agency: the catalogue of procedures for citizens
and businesses, and later online submission and the lookup of a dossier."""
